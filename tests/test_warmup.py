"""The web server loads its URLconf and views at start-up, not on its first request."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_imports_every_view_and_the_reverse_map():
    probe = (
        "import sys, tracker.wsgi; from django.urls import get_resolver; from django.template import engines; "
        "compiled = engines['django'].engine.template_loaders[0].get_template_cache; "
        "print('commitments.api.views' in sys.modules, 'drf_spectacular.views' in sys.modules, bool(get_resolver()._reverse_dict), "
        "'site/overview.html' in compiled)"
    )
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "localhost"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]
