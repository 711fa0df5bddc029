// The preview page's HTML: the rows are drawn by /page.js from /api/catalog.
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>vod-harvest preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; background: #f6f6f4; }
  h1 { font-size: 1.3rem; margin: 0 0 .2rem; }
  .where { color: #555; margin-bottom: 1.2rem; font-family: ui-monospace, monospace; }
  .copy { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
  .copy header { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
  .copy h2 { font-size: 1.05rem; margin: 0; font-family: ui-monospace, monospace; }
  .meta { color: #555; }
  .format { font-weight: 600; text-transform: uppercase; }
  .controls { display: flex; gap: .8rem; margin: .6rem 0; flex-wrap: wrap; align-items: center; }
  video { width: 480px; max-width: 100%; background: #000; display: block; }
  .status { margin-top: .4rem; font-family: ui-monospace, monospace; }
  .status.error { color: #b00020; }
  .status.played { color: #0a7a2f; }
  .empty, .problem { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
  .thumbs img { height: 54px; margin-right: 4px; }
</style>
</head>
<body>
<h1>vod-harvest preview</h1>
<div class="where" id="where">loading…</div>
<div id="problems"></div>
<div id="copies"></div>
<script src="/page.js"></script>
</body>
</html>
`;
