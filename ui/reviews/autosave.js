// Type-and-save for review fields (installed by ui/reviews/autosave.py; __PREFIX__ and __DELAY_MS__
// are filled in there). Streamlit sends a text box's value on blur or Ctrl+Enter only, so:
//  - 0.5 s after the member stops typing (and any Hangul IME composition ends) it presses Ctrl+Enter
//    for them: the widget's on_change autosave stores the draft;
//  - when the tab is hidden, closed or reloaded (visibilitychange / pagehide / beforeunload) it
//    presses it at once, and while a save is on its way it asks the browser to warn before leaving;
//  - every keystroke is also kept in localStorage until the server has the text, so a reload that
//    beat the save puts the text back into the field (only when the server still holds the text this
//    page started from: a draft saved elsewhere since is never overwritten).
(() => {
  const doc = window.parent?.document || document;
  const win = doc.defaultView || window;
  if (doc.__revAutocommit) return;
  doc.__revAutocommit = true;
  const DELAY_MS = __DELAY_MS__;
  const KEEP_MS = 7 * 24 * 3600 * 1000;
  const timers = new Map(); // field element -> pending timer
  const base = new WeakMap(); // field element -> the text the server is known to hold
  const sent = new Map(); // field element -> text sent, not yet confirmed by a finished script run
  const seen = new WeakSet();
  let composing = false;
  let runSeen = false; // a script run started since the last commit

  const container = (el) => el && el.closest && el.closest('[class*="st-key-__PREFIX__"]');
  const isField = (el) => el && (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') && container(el);
  const storeKey = (el) => {
    const cls = [...container(el).classList].find((c) => c.startsWith('st-key-__PREFIX__'));
    return 'revdraft:' + cls;
  };
  const store = {
    get(el) {
      try { return JSON.parse(win.localStorage.getItem(storeKey(el)) || 'null'); } catch { return null; }
    },
    put(el, entry) { try { win.localStorage.setItem(storeKey(el), JSON.stringify(entry)); } catch {} },
    drop(el) { try { win.localStorage.removeItem(storeKey(el)); } catch {} },
  };

  const commit = (el) => {
    clearTimeout(timers.get(el));
    timers.delete(el);
    if (!el.isConnected) return;
    sent.set(el, el.value);
    runSeen = false;
    el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13,
      which: 13, ctrlKey: true, bubbles: true, cancelable: true}));
  };
  const schedule = (el) => {
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(() => (composing ? schedule(el) : commit(el)), DELAY_MS));
  };
  const flush = () => { for (const el of [...timers.keys()]) commit(el); };
  const pending = () => timers.size > 0 || sent.size > 0;

  // A finished script run after a commit: the server holds what was sent.
  const confirm = () => {
    for (const [el, text] of sent) {
      base.set(el, text);
      if (el.value === text) store.drop(el);
    }
    sent.clear();
  };

  // A field seen for the first time (page load, or the editor drawn again): note what the server
  // holds, and put back text a reload cut off before it was saved.
  const adopt = (el) => {
    seen.add(el);
    base.set(el, el.value);
    const kept = store.get(el);
    if (!kept) return;
    if (kept.value === el.value || kept.base !== el.value || Date.now() - kept.at > KEEP_MS) {
      store.drop(el); // saved already, superseded by a newer draft, or too old
      return;
    }
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
    setter.call(el, kept.value);
    el.dispatchEvent(new Event('input', {bubbles: true}));
  };
  const scan = () => {
    for (const el of doc.querySelectorAll('[class*="st-key-__PREFIX__"] textarea, [class*="st-key-__PREFIX__"] input')) {
      if (!seen.has(el)) adopt(el);
    }
  };

  doc.addEventListener('compositionstart', () => { composing = true; }, true);
  doc.addEventListener('compositionend', () => { composing = false; }, true);
  doc.addEventListener('input', (e) => {
    const el = e.target;
    if (!isField(el)) return;
    if (!seen.has(el)) adopt(el);
    store.put(el, {value: el.value, base: base.get(el), at: Date.now()});
    schedule(el);
  }, true);
  doc.addEventListener('visibilitychange', () => { if (doc.visibilityState === 'hidden') flush(); });
  win.addEventListener('pagehide', flush);
  win.addEventListener('beforeunload', (e) => {
    if (!pending()) return;
    flush();
    e.preventDefault();
    e.returnValue = '';
  });

  // Fields can appear after the script run that drew them has ended (React renders later, more so on
  // a busy machine): watch added nodes too, and scan once per batch of changes.
  let scanQueued = false;
  const queueScan = () => {
    if (scanQueued) return;
    scanQueued = true;
    setTimeout(() => { scanQueued = false; scan(); }, 0);
  };
  const app = doc.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'running') runSeen = true;
    else if (state === 'notRunning' && runSeen && sent.size) confirm();
    queueScan();
  }).observe(app || doc.body, {attributes: true, attributeFilter: ['data-test-script-state'],
    childList: true, subtree: true});
  scan();
})();
