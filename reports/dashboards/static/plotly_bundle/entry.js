var Plotly = require('plotly.js/lib/core');
Plotly.register([
  require('plotly.js/lib/bar'),
  require('plotly.js/lib/funnel'),
  require('plotly.js/lib/heatmap'),
  require('plotly.js/lib/scattergeo'),
  require('plotly.js/lib/sunburst'),
  require('plotly.js/lib/treemap'),
]);
module.exports = Plotly;
