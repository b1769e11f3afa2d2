/**
 * A small, self-contained HTML page for a route handler that a person may open in a browser
 * (the CSV export): a refusal reads as words and a link back, not as raw JSON. No script; the
 * styles are inline so it needs nothing else from the server, and it follows the colour scheme.
 */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function htmlPage(status: number, page: { title: string; heading: string; body: string; link: { href: string; label: string } }): Response {
  const html = `<!doctype html>
<html lang="en-IN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(page.title)} · PayOps</title>
<style>
:root{color-scheme:light dark;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
body{margin:0;background:#f8fafc;color:#0f172a}
main{max-width:36rem;margin:0 auto;padding:6rem 1.5rem;text-align:center}
.code{font-size:.875rem;font-weight:600;color:#4338ca}h1{font-size:1.5rem;margin:.5rem 0}p{color:#475569;line-height:1.5}
a{display:inline-block;margin-top:1.5rem;font-weight:600;color:#4338ca}
@media (prefers-color-scheme:dark){body{background:#020617;color:#f1f5f9}p{color:#cbd5e1}.code,a{color:#a5b4fc}}
</style></head>
<body><main><p class="code">${status}</p><h1>${escape(page.heading)}</h1><p>${escape(page.body)}</p>
<a href="${escape(page.link.href)}">${escape(page.link.label)}</a></main></body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

/** Whether the request is a person's browser asking for a page (a link opened, an address typed). */
export function wantsHtml(req: Request): boolean {
  return (req.headers.get('accept') ?? '').includes('text/html');
}
