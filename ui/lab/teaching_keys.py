"""Every st.session_state key of the Lab's teaching views (ui/lab/stepthrough.py, embeddings.py,
checkpoint_in.py), defined once. Names go under a chart area's slot (`keys.sub(slot, NAME)`): a
model tab's ("lab_rnn") or an opened checkpoint's (`checkpoint_slot(tab)`, "lab_rnn_ckpt")."""

from __future__ import annotations

from ui.lab import keys

# the step-through
ST_SOURCE, ST_TEXT, ST_STEP = "st_source", "st_text", "st_step"
ST_KIND, ST_LAYER, ST_HEAD, ST_POS = "st_kind", "st_layer", "st_head", "st_pos"
ST, ST_OPEN = "st", "st_open"  # memo of its trace and charts; its expander
# the embeddings replay
EMB_SIDE, EMB_STEP, EMB, EMB_OPEN = "emb_side", "emb_step", "emb", "emb_open"
# an opened checkpoint
CK_FILE, CK_CLOSE, CK_CONTINUE = "ck_file", "ck_close", "ck_continue"
CK_HELD = "ck_held"  # {"file_id", "token": sha256} of the open checkpoint (its bytes stay in the uploader)


def checkpoint_slot(tab: str) -> str:
    """The slot of an opened checkpoint's views in a model tab: "lab_<tab>_ckpt"."""
    return keys.sub(keys.slot(tab), "ckpt")
