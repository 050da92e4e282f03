// gan report pages: draws the charts of a run or a sweep with uPlot from the JSON block the page carries, and wires
// the sample-grid slider and the sortable sweep table. Everything it needs is in the page; it fetches nothing.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gan-data').textContent);
  var report = window.ganReport = { data: data, charts: {}, ready: false };
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22'];
  var LABELS = { loss_d: 'loss D', loss_g: 'loss G', d_x: 'D(x)', d_g_z: 'D(G(z))', img_per_s: 'images/s',
    fid: 'FID', kid: 'KID', inception_score: 'IS', precision: 'precision', recall: 'recall', coverage: 'coverage',
    entropy_nats: 'entropy (nats)', conditional_accuracy: 'conditional accuracy' };
  // columns that are bookkeeping rather than something to plot
  var NOT_PLOTTED = ['step', 'epoch', 'sec_per_step', 'elapsed_s'];
  // the run panels; any other metrics.csv column gets a chart of its own after these
  var PANELS = [
    { id: 'losses', title: 'Losses', y: 'loss', cols: ['loss_d', 'loss_g'], events: true },
    { id: 'd_outputs', title: 'Discriminator outputs', y: 'D output', cols: ['d_x', 'd_g_z'], events: true },
    { id: 'fid', title: 'FID on the domain classifier\'s features (lower is better)', y: 'FID', cols: ['fid'], best: true },
    { id: 'kid', title: 'KID (lower is better)', y: 'KID', cols: ['kid'], best: true },
    { id: 'inception_score', title: 'Inception-style score (higher is better)', y: 'IS', cols: ['inception_score'], best: true },
    { id: 'shares', title: 'Sample quality and coverage (higher is better)', y: 'share',
      cols: ['precision', 'recall', 'coverage', 'conditional_accuracy'], best: true },
    { id: 'entropy_nats', title: 'Entropy of the predicted classes', y: 'nats', cols: ['entropy_nats'], best: true },
    { id: 'throughput', title: 'Throughput', y: 'images/s', cols: ['img_per_s'] }
  ];

  // steps are whole numbers: ticks at 1, 2, 5, 10, 20, 25, 50, ... never between two steps
  var STEP_INCRS = [];
  for (var mag = 1; mag <= 1e8; mag *= 10) STEP_INCRS.push(mag, 2 * mag, 2.5 * mag, 5 * mag);
  STEP_INCRS = STEP_INCRS.filter(function (v) { return v % 1 === 0; });

  function label(c) { return LABELS[c] || c; }

  function col(columns, rows, name) {
    var i = columns.indexOf(name);
    return rows.map(function (r) { return i < 0 ? null : r[i]; });
  }

  function fmt(v) {
    if (v == null || !isFinite(v)) return '—';
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : (+v.toPrecision(5)).toString();
  }

  // Vertical dashed lines at given steps (health-watch messages, the best evaluation), drawn on uPlot's canvas.
  function markerPlugin(marks) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, drawn = 0, px = uPlot.pxRatio;
          ctx.save();
          ctx.font = (11 * px) + 'px sans-serif';
          marks.forEach(function (m) {
            var x = Math.round(u.valToPos(m.step, 'x', true));
            if (!(x >= u.bbox.left - 1 && x <= u.bbox.left + u.bbox.width + 1)) return;
            ctx.strokeStyle = m.color;
            ctx.fillStyle = m.color;
            ctx.lineWidth = 1.5 * px;
            ctx.setLineDash([5 * px, 4 * px]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(m.tag, x + 3 * px, u.bbox.top + (12 + 12 * (drawn % 3)) * px);
            drawn++;
          });
          ctx.restore();
          u.ganMarkers = drawn;
        }],
        // the message of a marker near the cursor, under the chart
        setCursor: [function (u) {
          var note = u.root.parentNode.querySelector('.note');
          if (!note || u.cursor.left == null || u.cursor.left < 0) return;
          var near = marks.filter(function (m) {
            return Math.abs(u.valToPos(m.step, 'x') - u.cursor.left) < 6;
          });
          note.textContent = near.map(function (m) { return m.text; }).join('  |  ');
        }]
      }
    };
  }

  function width(el) {
    return Math.max(320, Math.min(1100, (el.clientWidth || 900) - 10));
  }

  // One chart in a box of its own: title, uPlot, and a log-scale switch when every value is positive.
  function chart(container, id, title, yLabel, xs, series, marks, allowLog) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.id = 'chart-' + id;
    container.appendChild(box);
    var controls = document.createElement('div');
    controls.className = 'controls';
    var plot = document.createElement('div');
    var note = document.createElement('div');
    note.className = 'note';
    box.appendChild(controls);
    box.appendChild(plot);
    box.appendChild(note);
    var log = false, u = null;
    function build() {
      if (u) u.destroy();
      var opts = {
        title: title,
        width: width(container),
        height: 260,
        scales: { x: { time: false }, y: { distr: log ? 3 : 1 } },
        axes: [{ label: 'step', incrs: STEP_INCRS }, { label: yLabel + (log ? ' (log)' : '') }],
        series: [{ label: 'step', value: function (u, v) { return v == null ? '—' : v; } }].concat(series.map(function (s, i) {
          return { label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: 1.5, spanGaps: true,
            points: { show: xs.length < 60, size: 4 }, value: function (u, v) { return fmt(v); } };
        })),
        cursor: { drag: { x: true, y: false } },
        plugins: [markerPlugin(marks)]
      };
      u = new uPlot(opts, [xs].concat(series.map(function (s) { return s.values; })), plot);
      report.charts[id] = u;
    }
    if (allowLog) {
      var lab = document.createElement('label');
      var box2 = document.createElement('input');
      box2.type = 'checkbox';
      box2.className = 'log-scale';
      box2.addEventListener('change', function () { log = box2.checked; build(); });
      lab.appendChild(box2);
      lab.appendChild(document.createTextNode(' log scale'));
      controls.appendChild(lab);
    }
    build();
  }

  function positive(series) {
    return series.every(function (s) { return s.values.every(function (v) { return v == null || v > 0; }); });
  }

  // The rows of a run that carry any of these columns (training rows and evaluation rows share metrics.csv).
  function rowsWith(columns, rows, cols) {
    var idx = cols.map(function (c) { return columns.indexOf(c); }).filter(function (i) { return i >= 0; });
    return rows.filter(function (r) { return idx.some(function (i) { return r[i] != null; }); });
  }

  function runCharts() {
    var container = document.getElementById('charts');
    if (!container) return;
    var columns = data.columns, rows = data.rows;
    var events = (data.events || []).map(function (e) {
      return { step: e.step, color: e.stop ? '#c00000' : '#e08000', tag: (e.stop ? 'stop ' : 'warning ') + e.step,
        text: 'step ' + e.step + ': ' + e.message };
    });
    var best = null;
    var fidRows = rowsWith(columns, rows, ['fid']);
    fidRows.forEach(function (r) {
      var v = r[columns.indexOf('fid')];
      if (v != null && (best == null || v < best.value)) best = { step: r[0], value: v };
    });
    report.best = best;
    var bestMark = best ? [{ step: best.step, color: '#2ca02c', tag: 'best FID ' + fmt(best.value),
      text: 'best FID ' + fmt(best.value) + ' at step ' + best.step + ' (checkpoints/best.zip)' }] : [];
    var panels = PANELS.slice();
    columns.forEach(function (c) {
      var known = NOT_PLOTTED.indexOf(c) >= 0 || panels.some(function (p) { return p.cols.indexOf(c) >= 0; });
      if (!known) panels.push({ id: c, title: c, y: c, cols: [c] });
    });
    panels.forEach(function (p) {
      var cols = p.cols.filter(function (c) { return columns.indexOf(c) >= 0; });
      var rs = rowsWith(columns, rows, cols);
      if (!cols.length || !rs.length) return;
      var series = cols.map(function (c) { return { label: label(c), values: col(columns, rs, c) }; })
        .filter(function (s) { return s.values.some(function (v) { return v != null; }); });
      if (!series.length) return;
      var marks = (p.events ? events : []).concat(p.best ? bestMark : []);
      chart(container, p.id, p.title, p.y, col(columns, rs, 'step'), series, marks, positive(series));
    });
  }

  function slider() {
    var s = document.getElementById('slider');
    if (!s) return;
    var img = document.getElementById('grid'), out = document.getElementById('slider-step');
    var caption = document.getElementById('grid-caption'), play = document.getElementById('play');
    var samples = data.samples, timer = null;
    function show() {
      var one = samples[+s.value];
      img.src = one.src;
      out.textContent = one.step;
      caption.textContent = one.src;
    }
    s.addEventListener('input', show);
    play.addEventListener('click', function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = 'play'; return; }
      if (+s.value === samples.length - 1) s.value = 0;
      play.textContent = 'pause';
      timer = setInterval(function () {
        if (+s.value >= samples.length - 1) { clearInterval(timer); timer = null; play.textContent = 'play'; return; }
        s.value = +s.value + 1;
        show();
      }, 400);
    });
  }

  // Sweep: the runs' curves overlaid, one chart per metric, every run a series.
  function sweepCharts() {
    var container = document.getElementById('charts');
    if (!container) return;
    var runs = data.runs.filter(function (r) { return r.rows && r.rows.length; });
    var metrics = [];
    runs.forEach(function (r) {
      r.columns.forEach(function (c) { if (NOT_PLOTTED.indexOf(c) < 0 && metrics.indexOf(c) < 0) metrics.push(c); });
    });
    metrics.forEach(function (m) {
      var tables = [], names = [];
      runs.forEach(function (r) {
        if (r.columns.indexOf(m) < 0) return;
        var rs = rowsWith(r.columns, r.rows, [m]);
        if (!rs.length) return;
        tables.push([col(r.columns, rs, 'step'), col(r.columns, rs, m)]);
        names.push(r.name);
      });
      if (!tables.length) return;
      var joined = uPlot.join(tables);
      var series = names.map(function (n, i) { return { label: n, values: joined[i + 1] }; });
      chart(container, m, label(m), label(m), joined[0], series, [], positive(series));
    });
  }

  // Sweep: click a header to sort by it, again to reverse; numbers numerically, empty cells last.
  function sortableTable() {
    var table = document.getElementById('runs');
    if (!table) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[i].getAttribute('data-v'), y = b.cells[i].getAttribute('data-v');
          if (x === '' || x == null) return (y === '' || y == null) ? 0 : 1;
          if (y === '' || y == null) return -1;
          var nx = Number(x), ny = Number(y);
          var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, undefined, { numeric: true });
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  if (data.kind === 'run') {
    runCharts();
    slider();
  } else {
    sortableTable();
    sweepCharts();
  }
  report.ready = true;
})();
