/** Arabic-Indic (٠-٩) and Eastern Arabic/Persian (۰-۹) digits as ASCII 0-9, as Arabic phone keyboards type them. */
export function asciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0));
}
