// Runs once per live-plot element (gr.HTML js_on_load). Plotly draws the frame around the data
// (axes, legend, colour bar) and redraws it only when that changes; the data themselves (D's
// surface and every scatter whose arrays came as typed arrays: fakes, reals, arrows, rings,
// trails, manifold) are painted on a canvas laid over the plot area. A full Plotly.react of
// ~1,500 SVG points cost a 2-core machine's Chromium 100-150 ms a frame (2-4 drawn frames/s);
// the canvas paints one in a few ms (issue 14). The painted arrays stay readable as
// plotDiv.gpTraces (name, x, y). Clicking the plot in draw mode adds a point to #drawn-points.
const plotDiv = element.querySelector('.gp-plot');
const drawable = plotDiv.dataset.drawable === '1';
const config = {responsive: true, displaylogo: false, scrollZoom: false,
                modeBarButtonsToRemove: ['lasso2d', 'select2d']};
window.gpDrawn = window.gpDrawn || [];
let shownKey = null;  // the figure Plotly was last given, as JSON (arrays left out)
let painted = [];  // the traces on the canvas: [{trace, x, y, z, sizes}], in drawing order
let canvas = null;
let tile = null;  // the heatmap's cells, one pixel each, before the canvas scales them
let hooked = false;
const luts = {};  // colour scale (as JSON) → 256 RGBA colours

function drawnTrace() {
  const pts = window.gpDrawn;
  return {type: 'scatter', mode: 'markers', name: 'your points', hoverinfo: 'skip',
          x: pts.map(p => p[0]), y: pts.map(p => p[1]),
          marker: {symbol: 'x', size: 10, color: '#000'}};
}

function drawMode() {
  const box = document.querySelector('#draw-mode input[type=checkbox]');
  return drawable && box && box.checked;
}

function typed(spec) {  // a plotly.js typed-array spec ({dtype, bdata}) → a typed array
  if (!spec || typeof spec.bdata !== 'string') return null;
  const text = atob(spec.bdata);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return spec.dtype === 'u1' ? bytes : new Float32Array(bytes.buffer);
}

// A trace whose data came as typed arrays is painted; Plotly gets it without the arrays (it
// still draws its legend entry, and a heatmap's colour bar): one gap point, as an empty trace
// would lose its legend entry.
function split(trace) {
  if (trace.type === 'heatmap' && trace.z && typeof trace.z.bdata === 'string') {
    const [rows, cols] = trace.z.shape.split(',').map(Number);
    return [Object.assign({}, trace, {z: [[trace.zmin || 0]], opacity: 0}),
            {trace, z: typed(trace.z), rows, cols}];
  }
  if (trace.type === 'scatter' && trace.x && typeof trace.x.bdata === 'string') {
    const marker = trace.marker || {};
    const sizes = marker.size && typeof marker.size.bdata === 'string' ? typed(marker.size) : null;
    const shell = Object.assign({}, trace, {x: [null], y: [null]});  // empty: Plotly hides it
    if (sizes) shell.marker = Object.assign({}, marker, {size: 7});
    return [shell, {trace, x: typed(trace.x), y: typed(trace.y), sizes}];
  }
  return [trace, null];
}

function lut(scale) {
  const key = JSON.stringify(scale);
  if (luts[key]) return luts[key];
  const stops = scale.map(([at, hex]) => [at, [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16))]);
  const out = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) {
    const at = v / 255;
    let k = 0;
    while (k < stops.length - 2 && at > stops[k + 1][0]) k++;
    const [a0, c0] = stops[k], [a1, c1] = stops[k + 1];
    const f = a1 > a0 ? Math.min(1, Math.max(0, (at - a0) / (a1 - a0))) : 0;
    for (let ch = 0; ch < 3; ch++) out[v * 4 + ch] = Math.round(c0[ch] + f * (c1[ch] - c0[ch]));
    out[v * 4 + 3] = 255;
  }
  return (luts[key] = out);
}

function ensureCanvas() {
  const container = plotDiv.querySelector('.svg-container');
  const main = container && container.querySelector('.main-svg');
  if (!main) return null;
  if (!canvas) {
    canvas = document.createElement('canvas');
    canvas.className = 'gp-canvas';
    canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
  }
  if (canvas.previousSibling !== main) main.after(canvas);  // above the axes, under the legend
  return canvas;
}

function paintHeatmap(ctx, item, px, py) {
  const t = item.trace, {rows, cols, z} = item;
  const colours = lut(t.colorscale), low = t.zmin || 0, span = (t.zmax || 255) - low || 1;
  const image = new ImageData(cols, rows);
  for (let r = 0; r < rows; r++) {  // row 0 is the lowest y: the image's bottom row
    const top = (rows - 1 - r) * cols;
    for (let c = 0; c < cols; c++) {
      const v = Math.max(0, Math.min(255, Math.round((z[r * cols + c] - low) / span * 255)));
      image.data.set(colours.subarray(v * 4, v * 4 + 4), (top + c) * 4);
    }
  }
  tile = tile || document.createElement('canvas');  // one, reused: no garbage per frame
  if (tile.width !== cols || tile.height !== rows) { tile.width = cols; tile.height = rows; }
  tile.getContext('2d').putImageData(image, 0, 0);
  const x0 = px(t.x0 - t.dx / 2), x1 = px(t.x0 + (cols - 0.5) * t.dx);
  const y0 = py(t.y0 + (rows - 0.5) * t.dy), y1 = py(t.y0 - t.dy / 2);
  ctx.imageSmoothingEnabled = t.zsmooth === 'fast';
  ctx.drawImage(tile, x0, y0, x1 - x0, y1 - y0);
}

function paintScatter(ctx, item, px, py) {
  const t = item.trace, {x, y, sizes} = item, n = Math.min(x.length, y.length);
  const marker = t.marker || {}, mode = t.mode || 'markers';
  ctx.globalAlpha = t.opacity === undefined ? 1 : t.opacity;
  if (mode.includes('lines')) {
    const line = t.line || {};
    ctx.beginPath();
    let down = false;
    for (let i = 0; i < n; i++) {
      if (!isFinite(x[i]) || !isFinite(y[i])) { down = false; continue; }
      if (down) ctx.lineTo(px(x[i]), py(y[i])); else ctx.moveTo(px(x[i]), py(y[i]));
      down = true;
    }
    ctx.strokeStyle = line.color || '#444'; ctx.lineWidth = line.width === undefined ? 2 : line.width;
    ctx.stroke();
  }
  if (!mode.includes('markers')) return;
  ctx.globalAlpha *= marker.opacity === undefined ? 1 : marker.opacity;
  const symbol = marker.symbol || 'circle', colour = marker.color || '#444';
  const edge = marker.line || {};
  // An outlined point is filled and outlined on its own, as Plotly does, so a point drawn later
  // covers the outline of one below it; the rest go in one path.
  const each = Boolean(edge.width) && !symbol.endsWith('-open');
  ctx.fillStyle = colour; ctx.strokeStyle = edge.color || '#fff'; ctx.lineWidth = edge.width || 1;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const size = sizes ? sizes[i] : (marker.size === undefined ? 6 : marker.size);
    if (!(size > 0) || !isFinite(x[i]) || !isFinite(y[i])) continue;
    const cx = px(x[i]), cy = py(y[i]), r = size / 2;
    if (symbol === 'arrow') {  // a head turned along the segment from the previous point
      if (i === 0 || !isFinite(x[i - 1])) continue;
      const dx = cx - px(x[i - 1]), dy = cy - py(y[i - 1]), len = Math.hypot(dx, dy) || 1;
      const ux = dx / len, uy = dy / len;
      ctx.moveTo(cx + ux * r, cy + uy * r);
      ctx.lineTo(cx - ux * r - uy * r, cy - uy * r + ux * r);
      ctx.lineTo(cx - ux * r + uy * r, cy - uy * r - ux * r);
      ctx.closePath();
    } else {
      ctx.moveTo(cx + r, cy);
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    }
    if (each) {
      ctx.fill(); ctx.stroke(); ctx.beginPath();
    }
  }
  if (each) return;
  if (symbol.endsWith('-open')) {
    ctx.strokeStyle = colour;
    ctx.stroke();
  } else {
    ctx.fill();
  }
}

function paint() {
  const layout = plotDiv._fullLayout, full = plotDiv._fullData;
  if (!layout || !layout.xaxis || !layout.yaxis || !full) return;
  const surface = ensureCanvas();
  if (!surface) return;
  const ratio = window.devicePixelRatio || 1, width = layout.width, height = layout.height;
  if (surface.width !== Math.round(width * ratio) || surface.height !== Math.round(height * ratio)) {
    surface.width = Math.round(width * ratio); surface.height = Math.round(height * ratio);
    surface.style.width = width + 'px'; surface.style.height = height + 'px';
  }
  const ctx = surface.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const xa = layout.xaxis, ya = layout.yaxis;
  const [xlo, xhi] = xa.range.map(Number), [ylo, yhi] = ya.range.map(Number);
  const sx = xa._length / (xhi - xlo), sy = ya._length / (yhi - ylo);
  const px = v => xa._offset + (v - xlo) * sx, py = v => ya._offset + ya._length - (v - ylo) * sy;
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  painted.forEach((item, index) => {
    const shown = full[index];  // a legend click or draw mode hides a trace here
    if (!item || !shown || shown.visible !== true) return;
    if (item.trace.type === 'heatmap') {
      if (item.trace.opacity !== 0) paintHeatmap(ctx, item, px, py);
    } else {
      paintScatter(ctx, item, px, py);
    }
    ctx.globalAlpha = 1;
  });
  ctx.restore();
}

let source = props.value;  // the latest figure: Gradio's value, or one the frame loop brought
let parsed = [null, null];  // the last value (a figure as JSON, see viz.as_json), parsed

function figure() {
  const value = source;
  if (typeof value !== 'string') return value;
  if (parsed[0] !== value) parsed = [value, value ? JSON.parse(value) : null];
  return parsed[1];
}

function render() {
  const fig = figure();
  if (!fig || !fig.data || !window.Plotly) return;
  // Draw mode shows an empty canvas with only the user's points on it. Every trace stays (the
  // background transparent, the others legend-only) so the colour bar and legend keep their
  // room and the axes do not move under the pointer; clicks draw, they do not zoom.
  const drawing = drawMode();
  const data = drawing
    ? fig.data.map(t => t.type === 'heatmap' ? Object.assign({}, t, {opacity: 0})
                                             : Object.assign({}, t, {visible: 'legendonly'}))
        .concat([drawnTrace()])
    : (drawable && window.gpDrawn.length ? fig.data.concat([drawnTrace()]) : fig.data);
  // A phone's column is narrow: a square-ish plot instead of the desktop height.
  const narrow = plotDiv.clientWidth > 0 && plotDiv.clientWidth < 500;
  const layout = Object.assign({}, fig.layout, drawing ? {dragmode: false} : {});
  if (narrow && fig.layout.height) {
    layout.height = Math.min(fig.layout.height, Math.round(plotDiv.clientWidth * 1.2));
    // The box kept room for the desktop height (layout.py's min-height, so the page does not
    // jump before the first frame); on a phone that left ~100 px blank under the legend.
    plotDiv.style.minHeight = layout.height + 'px';
  }
  // Only a plot with fixed axis ranges paints its arrays (the curves autorange on theirs).
  const fixed = Boolean(layout.xaxis && layout.xaxis.range && layout.yaxis && layout.yaxis.range);
  const parts = data.map(t => fixed && (t.xaxis || 'x') === 'x' && (t.yaxis || 'y') === 'y'
    ? split(t) : [t, null]);
  const shells = parts.map(p => p[0]);
  painted = parts.map(p => p[1]);
  plotDiv.gpTraces = painted.filter(Boolean).map(p => ({name: p.trace.name, x: p.x, y: p.y}));
  const key = JSON.stringify([shells, layout, drawing]);
  if (key !== shownKey) {  // the frame around the data changed: Plotly redraws it
    shownKey = key;
    Plotly.react(plotDiv, shells, layout,
                 drawing ? Object.assign({}, config, {doubleClick: false}) : config);
    if (!hooked && plotDiv.on) {  // zoom, pan, resize and legend clicks repaint the data
      hooked = true;
      plotDiv.on('plotly_afterplot', paint);
    }
  }
  paint();
  plotDiv.dataset.renders = String(Number(plotDiv.dataset.renders || 0) + 1);
}

function syncTextbox() {
  const box = document.querySelector('#drawn-points textarea');
  if (!box) return;
  box.value = JSON.stringify(window.gpDrawn.map(p => [+p[0].toFixed(3), +p[1].toFixed(3)]));
  box.dispatchEvent(new Event('input', {bubbles: true}));
}

plotDiv.addEventListener('click', (event) => {
  if (!drawMode() || !plotDiv._fullLayout) return;
  const xa = plotDiv._fullLayout.xaxis, ya = plotDiv._fullLayout.yaxis;
  const drag = plotDiv.querySelector('.nsewdrag');
  if (!drag) return;
  const box = drag.getBoundingClientRect();
  const x = xa.p2d(event.clientX - box.left), y = ya.p2d(event.clientY - box.top);
  if (!isFinite(x) || !isFinite(y)) return;
  window.gpDrawn.push([x, y]);
  syncTextbox();
  render();
}, true);

if (drawable) {  // only the drawable plot owns the hooks (each plot element runs this file)
  window.gpClearDrawn = () => { window.gpDrawn = []; render(); };
  window.gpSetDrawn = (points) => { window.gpDrawn = points || []; render(); };
}

watch('value', () => { source = props.value; render(); });
plotDiv.gpShow = (value) => { source = value; render(); };  // the frame loop's way in
if (drawable) {
  // Re-render at once when draw mode is switched (the checkbox may mount after this plot).
  document.addEventListener('change', (event) => {
    if (event.target.closest && event.target.closest('#draw-mode')) render();
  });
}
render();

// The tab's frame loop (only a plot whose element names a feed runs it; see layout.Feed): asks
// the server for the next frame through Gradio's HTTP API with this page's session, about
// every data-feed-ms, one request at a time, while the plot is on screen, and puts the answer
// into the output elements: a plot draws it, an HTML block shows it. A skipped output
// ({"__type__": "update"} with no value) leaves its element as it is.
function readInput(id) {
  const block = document.getElementById(id);
  if (!block) return [];  // a hidden row: none checked (Gradio refuses null for a group)
  const boxes = Array.from(block.querySelectorAll('input[type=checkbox]'));
  if (boxes.length === 1 && !block.querySelector('fieldset, [role=group]')) return boxes[0].checked;
  return boxes.filter(box => box.checked)
    .map(box => ((box.closest('label') || {}).textContent || box.value || '').trim());
}

function putOutput(id, value) {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && value.__type__ === 'update') {
    if (!('value' in value)) return;
    value = value.value;
  }
  const block = document.getElementById(id);
  if (!block) return;
  const plot = block.classList.contains('gp-plot') ? block : block.querySelector('.gp-plot');
  if (plot && plot.gpShow) {
    plot.gpShow(value);
    return;
  }
  const box = block.classList.contains('prose') ? block
    : (block.querySelector('.prose') || block.closest('.prose'));
  if (box) box.innerHTML = value;
}

if (plotDiv.dataset.feed && !plotDiv.gpFeeding) {
  plotDiv.gpFeeding = true;  // one loop per element
  const api = plotDiv.dataset.feed;
  const inputs = (plotDiv.dataset.feedIn || '').split(',').filter(Boolean);
  const outputs = (plotDiv.dataset.feedOut || '').split(',').filter(Boolean);
  const every = Number(plotDiv.dataset.feedMs || 80);
  const root = ((window.gradio_config && window.gradio_config.root) || location.origin)
    .replace(/\/$/, '');
  const tick = async () => {
    if (!plotDiv.isConnected) return;  // the element was replaced: its own script took over
    const started = performance.now();
    const holder = document.querySelector('#gp-feed [data-session]');
    if (holder && plotDiv.offsetParent !== null && !document.hidden) {
      try {
        const reply = await fetch(`${root}/gradio_api/run/${api}`, {
          method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({data: inputs.map(readInput), session_hash: holder.dataset.session}),
        });
        if (reply.ok) {
          const answer = await reply.json();
          outputs.forEach((id, i) => putOutput(id, (answer.data || [])[i]));
        }
      } catch (error) {
        // the server is away (a restart): keep asking, as Gradio's timer would
      }
    }
    setTimeout(tick, Math.max(10, every - (performance.now() - started)));
  };
  tick();
}
