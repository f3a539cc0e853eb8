"""Matching precision and recall on the watch corpus (tests/data/watch/: real later texts about the seed
commitments and unrelated ones), at the configured threshold and around it.

Loads the seed into a scratch database on DATABASE_URL's server (<its name>_watch_matching).

    .venv/bin/python bench/watch_matching.py [--misses] [--smoke]
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support import database_create, database_name, database_url  # noqa: E402 - after the path is set

DB_URL = database_url(database_name("watch_matching"))


def setup() -> None:
    database_create(DB_URL)
    os.environ.update({"DATABASE_URL": DB_URL, "DJANGO_SETTINGS_MODULE": "tracker.settings", "LOG_LEVEL": "WARNING",
                       "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only")})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    call_command("load_originals", verbosity=0)  # as `make run` and the compose stack load them: the real Chinese originals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list what each text got wrong")
    parser.add_argument("--smoke", action="store_true", help="the configured threshold only")
    args = parser.parse_args()
    setup()
    from django.conf import settings

    from tests.watch_corpus import corpus_score, watch_load

    texts = watch_load()
    for language in sorted({t.language for t in texts}):
        mine = [t for t in texts if t.language == language]
        related = sum(1 for t in mine if t.related)
        print(f"{language}: {len(mine)} texts, {related} about seed points, {len(mine) - related} unrelated")
    chosen = settings.TRACKER_WATCH_MATCH_THRESHOLD
    for threshold in [chosen] if args.smoke else sorted({0.3, 0.4, chosen, 0.6, 0.7}):
        print(("* " if threshold == chosen else "  ") + "all " + corpus_score(threshold).line())
        if threshold == chosen:
            for language in sorted({t.language for t in texts}):
                score = corpus_score(threshold, texts=[t for t in texts if t.language == language])
                print(f"    {language}  {score.line()}")
                for miss in score.misses if args.misses else ():
                    print("        ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
