/// Light and dark themes follow the system setting; type is large enough for a projector at
/// 1366×768 (18 px and up) and grows with the window.
let pageCSS = """
  :root { --bg: #ffffff; --fg: #1a1a1a; --soft: #5a5a5a; --rule: #d0d0d0; --panel: #f4f6f9;
    --accent: #0a58ca; --active: #fff2b3; --line-dark-fix: 0;
    color-scheme: light dark; }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #15171a; --fg: #e8e8e8; --soft: #a8a8a8; --rule: #3a3d42; --panel: #1f2227;
      --accent: #7fb0ff; --active: #4a4320; --line-dark-fix: 1; }
  }
  * { box-sizing: border-box; }
  html, body { margin: 0; background: var(--bg); color: var(--fg); }
  body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif;
    font-size: clamp(17px, 1.35vw, 28px); line-height: 1.35; display: flex;
    flex-direction: column; height: 100vh; overflow: hidden; }
  header { padding: 0.4em 1em 0.2em; }
  h1 { font-size: 1.25em; margin: 0; }
  .subtitle, .note, .info, .keys, .kv-note { color: var(--soft); margin: 0.1em 0; }
  .note { font-weight: bold; color: var(--fg); }
  .controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: center;
    padding: 0.3em 1em; border-bottom: 1px solid var(--rule); }
  .tabs button { font: inherit; padding: 0.2em 0.7em; border: 1px solid var(--rule);
    background: var(--panel); color: var(--fg); border-radius: 0.3em; cursor: pointer; }
  .tabs button[aria-selected="true"] { background: var(--accent); color: var(--bg);
    border-color: var(--accent); }
  select, .head-controls button { font: inherit; color: var(--fg); background: var(--panel);
    border: 1px solid var(--rule); border-radius: 0.3em; padding: 0.1em 0.3em; }
  main { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
  main > section { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column;
    padding: 0.3em 1em 0.3em; }
  main > section[hidden] { display: none; }
  .head-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 0.8em; }
  fieldset { border: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
    gap: 0.2em 0.6em; align-items: center; }
  legend { float: left; margin-right: 0.5em; color: var(--soft); }
  .kv-group { display: inline-flex; gap: 0.2em 0.5em; padding: 0 0.4em;
    border: 1px dashed var(--rule); border-radius: 0.3em; }
  .kv-group > span { color: var(--soft); font-size: 0.8em; align-self: center; }
  .head-box { display: inline-flex; align-items: center; gap: 0.15em; cursor: pointer; }
  .head-box input { width: 1em; height: 1em; margin: 0; }
  .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.15em; }
  .head-box.current { outline: 2px solid var(--fg); outline-offset: 1px; border-radius: 0.2em; }
  .head-scroll { flex: 1 1 auto; min-height: 0; overflow-y: auto; overflow-x: hidden;
    margin-top: 0.3em; border-top: 1px solid var(--rule); }
  .head-inner { position: relative; margin: 0 auto; }
  #head-canvas { position: sticky; top: 0; display: block; pointer-events: none; }
  .tokens { position: absolute; top: 0; }
  .tokens.left { left: 0; text-align: right; }
  .tokens.right { text-align: left; }
  .token { cursor: pointer; padding: 0 0.3em; border-radius: 0.2em; position: relative; }
  .token .label { display: block; white-space: pre; overflow: hidden; text-overflow: ellipsis; }
  .token .w { position: absolute; top: 0; font-size: 0.8em; color: var(--fg);
    font-variant-numeric: tabular-nums; font-weight: normal; }
  .tokens.left .token .w { left: 100%; margin-left: 0.3em; }
  .tokens.right .token .w { right: 100%; margin-right: 0.3em; }
  .token.active { background: var(--active); font-weight: bold; }
  .token.dim { color: var(--soft); }
  .model-grid { flex: 1 1 auto; min-height: 0; overflow: auto; display: grid; gap: 3px;
    align-content: start; justify-content: start; }
  .model-grid .col-head, .model-grid .row-head { color: var(--soft); font-size: 0.75em;
    text-align: center; align-self: end; white-space: nowrap; }
  .model-grid .row-head { align-self: center; text-align: right; padding-right: 0.3em; }
  .model-grid .kv-head { font-size: 0.7em; color: var(--soft); text-align: center;
    border-bottom: 2px solid var(--rule); }
  .cell { padding: 0; border: 2px solid transparent; background: none; cursor: pointer;
    line-height: 0; }
  .cell:focus, .cell.focused { border-color: var(--accent); outline: none; }
  .cell canvas { width: 100%; height: auto; image-rendering: pixelated; }
  .cell.missing { cursor: default; background: var(--panel); }
  .heatmap-box { flex: 1 1 auto; min-height: 0; position: relative; }
  .heatmap-box canvas { position: absolute; left: 0; top: 0; }
  .heatmap-title { color: var(--soft); }
  .readout { font-variant-numeric: tabular-nums; font-weight: bold; min-height: 1.35em; }
  .zoom { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.55); display: flex;
    align-items: center; justify-content: center; z-index: 10; }
  .zoom[hidden] { display: none; }
  .zoom-frame { background: var(--bg); width: 94vw; height: 92vh; display: flex;
    flex-direction: column; padding: 0.5em 1em; border-radius: 0.4em; }
  .zoom-head { display: flex; justify-content: space-between; align-items: center; }
  .zoom-head h2 { font-size: 1.1em; margin: 0; }
  .zoom-head button { font: inherit; background: var(--panel); color: var(--fg);
    border: 1px solid var(--rule); border-radius: 0.3em; cursor: pointer; }
  .tooltip { position: fixed; z-index: 20; background: var(--fg); color: var(--bg);
    padding: 0.2em 0.5em; border-radius: 0.3em; pointer-events: none; white-space: pre;
    font-variant-numeric: tabular-nums; }
  .tooltip[hidden] { display: none; }
  .keys { padding: 0.2em 1em; border-top: 1px solid var(--rule); font-size: 0.8em; }
  .howto { margin: 0.2em 0; }
  .howto summary { cursor: pointer; color: var(--accent); }
  .howto div { max-width: 60em; }
  .howto p, .howto li { margin: 0.2em 0; }
  @media print {
    body, body.printing { height: auto; overflow: visible; display: block; }
    .controls, .keys, .head-controls, .tooltip, .zoom, .howto summary { display: none !important; }
    .howto div { display: block; }
    main { display: block; }
    main > section, main > section[hidden] { display: block; break-before: page;
      page-break-before: always; height: auto; }
    main > section:first-child { break-before: auto; page-break-before: auto; }
    .head-scroll, .model-grid { overflow: visible; border: none; }
    .model-grid { height: 80vh; }
    .heatmap-box { height: 80vh; }
    canvas { max-width: 100%; }
  }

  """
