import type { Locator, Page } from "@playwright/test";

export class UsersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/users");
  }

  row(email: string): Locator {
    // Within <main>: a streamed page's rows are also in React's hidden staging <div> until they are swapped in.
    return this.page.getByRole("main").getByTestId(`user-row-${email}`);
  }

  async createUser(user: { name: string; email: string; role: "Staff" | "Manager" | "Admin"; password: string }) {
    await this.page.getByRole("button", { name: "Add user" }).click();
    const dialog = this.page.getByRole("dialog", { name: "Add user" });
    await dialog.getByLabel("Name").fill(user.name);
    await dialog.getByLabel("E-mail").fill(user.email);
    await dialog.getByLabel("Role").click();
    await this.page.getByRole("option", { name: user.role }).click();
    await dialog.getByLabel("Temporary password").fill(user.password);
    await dialog.getByRole("button", { name: "Create user" }).click();
    return dialog;
  }

  async setRole(name: string, role: "Staff" | "Manager" | "Admin") {
    await this.page.getByRole("combobox", { name: `Role of ${name}` }).click();
    await this.page.getByRole("option", { name: role }).click();
  }
}
