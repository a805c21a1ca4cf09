/** Whether two owner names are the same person's name as Cash In writes it: case and spacing aside. */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLocaleLowerCase("id-ID");
  return norm(a) === norm(b);
}
