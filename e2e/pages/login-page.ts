import { expect, type Locator, type Page } from "@playwright/test";
import { totpSecretOf, type Credentials } from "../support/actions";
import { withFreshCode } from "../support/second-factor";

export class LoginPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly alert: Locator;
  readonly code: Locator;
  readonly continue: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel("E-mail");
    this.password = page.getByLabel("Password");
    this.submit = page.getByRole("button", { name: "Sign in" });
    this.alert = page.getByRole("main").getByRole("alert");
    this.code = page.getByLabel(/Code from your authenticator app|Recovery code/);
    this.continue = page.getByRole("button", { name: "Continue" });
  }

  async goto(query = "") {
    await this.page.goto(`/login${query}`);
  }

  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** Step 2: a code the user has not used yet, typed as from the phone; waits until the app takes it. */
  async enterFreshCode(email: string, secret: string, databaseFile?: string) {
    await expect(this.page).toHaveURL(/\/login\/code/);
    await withFreshCode(email, secret, async (code) => {
      await this.code.fill(code);
      await this.continue.click();
      const refused = this.page.getByText("This code was already used");
      await expect(this.page.getByRole("navigation", { name: "Main" }).or(refused).or(this.page.getByRole("heading", { name: /Choose your own password|Turn on two-step/ }))).toBeVisible();
      return { accepted: !(await refused.isVisible()), value: undefined };
    }, databaseFile);
  }

  /** Signs in as a person does: password, then the code from the phone when the person has a second factor. */
  async signInFully(credentials: Credentials, databaseFile?: string) {
    await this.signIn(credentials.email, credentials.password);
    const secret = totpSecretOf(credentials);
    if (secret) await this.enterFreshCode(credentials.email, secret, databaseFile);
    await expect(this.page.getByRole("navigation", { name: "Main" })).toBeVisible();
  }
}
