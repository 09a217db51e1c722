/** The dashboard's HTML page: the bundled script and style inline or linked, and (reports) the data inline. */
export function pageHtml(o: { title: string; js?: string; css?: string; data?: unknown }): string {
  const style = o.css !== undefined ? `<style>${o.css}</style>` : `<link rel="stylesheet" href="/assets/app.css">`;
  // "</script" inside inline JSON or code would end the element early.
  const safe = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  const data = o.data !== undefined ? `<script type="application/json" id="rewardsmith-data">${safe(JSON.stringify(o.data))}</script>` : "";
  const script = o.js !== undefined ? `<script>${safe(o.js)}</script>` : `<script src="/assets/app.js"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${escapeHtml(o.title)}</title>${style}</head>
<body><header><a href="#/" class="brand">rewardsmith</a> <span id="where"></span></header><main id="app">Loading…</main>${data}${script}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
