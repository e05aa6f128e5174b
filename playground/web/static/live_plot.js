// Runs once per live-plot element (gr.HTML js_on_load): keeps one Plotly chart mounted and
// updates it in place with Plotly.react on every new value, so zoom survives (uirevision) and
// nothing piles up in the page. Clicking the plot in draw mode adds a point to #drawn-points.
const plotDiv = element.querySelector('.gp-plot');
const drawable = plotDiv.dataset.drawable === '1';
const config = {responsive: true, displaylogo: false, scrollZoom: false,
                modeBarButtonsToRemove: ['lasso2d', 'select2d']};
window.gpDrawn = window.gpDrawn || [];

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

function render() {
  const fig = props.value;
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
  }
  Plotly.react(plotDiv, data, layout,
               drawing ? Object.assign({}, config, {doubleClick: false}) : config);
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

watch('value', render);
if (drawable) {
  // Re-render at once when draw mode is switched (the checkbox may mount after this plot).
  document.addEventListener('change', (event) => {
    if (event.target.closest && event.target.closest('#draw-mode')) render();
  });
}
render();
