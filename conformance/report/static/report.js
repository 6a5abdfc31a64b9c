document.documentElement.className += ' js';
function tcCopyDone(button, ok) {
  button.setAttribute('data-copied', ok ? 'true' : 'false');
  button.textContent = ok ? 'Copied' : 'Copy failed';
}
function tcCopyFallback(button, text) {
  var area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  var ok = false;
  try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
  document.body.removeChild(area);
  tcCopyDone(button, ok);
}
document.addEventListener('click', function (event) {
  var button = event.target.closest ? event.target.closest('button.copy') : null;
  if (!button) { return; }
  var source = document.getElementById(button.getAttribute('data-target'));
  if (!source) { return; }
  var text = source.textContent;
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(function () { tcCopyDone(button, true); },
                                             function () { tcCopyFallback(button, text); });
  } else {
    tcCopyFallback(button, text);
  }
});
window.addEventListener('beforeprint', function () {
  var all = document.querySelectorAll('details');
  for (var i = 0; i < all.length; i++) { all[i].open = true; }
});
