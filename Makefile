# The two commands of the README.
.PHONY: run dev test

PORT ?= 5000

run:   ## set everything up, migrate, load the demo data once, serve on http://127.0.0.1:$(PORT) through gunicorn
	bash .ci/setup
	.venv/bin/flask --app app db upgrade
	.venv/bin/flask --app app seed-demo --if-empty
	WUYE_BIND=127.0.0.1:$(PORT) .venv/bin/gunicorn -c deploy/gunicorn.conf.py app:app

dev:   ## the same with Flask's reloading development server (code changes apply at once)
	.venv/bin/flask --app app run --host 127.0.0.1 --port $(PORT) --debug

test:  ## set everything up (apt, pip, PostgreSQL) and run the whole suite on SQLite and PostgreSQL
	bash .ci/test
