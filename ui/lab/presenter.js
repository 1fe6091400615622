// Presenter mode's keys (installed by ui/lab/presenter.py, which fills in the __NAMES__): space
// pauses or resumes the run on screen, the right arrow steps it. They press the page's own buttons
// (the job controls drawn with the Streamlit keys __PAUSE__ and __STEP__), so a key does exactly what
// a click does, with the same permission checks. Keys typed into a text box, a number box, a select
// or a slider keep their usual meaning, and outside presenter mode (toggle __TOGGLE__ off) nothing
// changes. Installed once per page: later runs find the flag and return.
(() => {
  const doc = window.parent?.document || document;
  if (doc.__labPresenterKeys) return;
  doc.__labPresenterKeys = true;
  const BUTTONS = {' ': '__PAUSE__', ArrowRight: '__STEP__'};
  const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], ' +
    '[role="textbox"], [role="combobox"], [role="listbox"], [role="slider"], [role="spinbutton"]';

  const presenting = () => !!doc.querySelector('.st-key-__TOGGLE__ input:checked');
  const typing = (el) => !!(el && el.closest && el.closest(TYPING)) && !(el.type === 'checkbox');

  doc.addEventListener('keydown', (e) => {
    const key = BUTTONS[e.key];
    if (!key || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return;
    if (!presenting() || typing(e.target)) return;
    e.preventDefault(); // space would scroll the page
    if (e.repeat) return; // a held key presses once
    // A focused button would also take the space on key-up: release the focus first.
    if (e.target && e.target.blur && e.target !== doc.body) e.target.blur();
    // Streamlit keeps a hidden copy of a button beside the one on screen: press the one shown.
    const button = [...doc.querySelectorAll(`.st-key-${key} button:not([disabled])`)]
      .find((b) => (b.checkVisibility ? b.checkVisibility() : b.offsetParent !== null));
    if (button) button.click();
  }, true);
})();
