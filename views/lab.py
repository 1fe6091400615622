"""Model Lab: train tiny RNN / LSTM / GRU / Transformer models live, watch loss and attention,
compare runs and share them by link (guests too). The page imports torch through ui.lab."""

from ui.lab.page import render

render()
