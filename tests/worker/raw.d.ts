/** Vite's `?raw` imports: a file's text, used to read the README inside workerd. */
declare module '*?raw' {
  const text: string;
  export default text;
}
