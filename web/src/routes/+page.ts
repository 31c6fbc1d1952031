// Home is prerendered as index.html (an empty shell, as ssr is off) so it loads without the fallback.
export const prerender = true;
