"""Lab test setup: one intra-op thread so timings and results are stable on the shared 2-core box."""

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    # torch's thread count is per process; tests set it here, never core/ at import time.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
