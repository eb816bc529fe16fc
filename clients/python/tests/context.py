"""Makes symscore_client importable when the tests run from any directory."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

SECRET = "A1ciUrDJgm5LIJU710bxeQ=="
DATE = "2025-11-16 20:11:50;294669000"
