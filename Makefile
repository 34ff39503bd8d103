# The two commands of the README.
.PHONY: run test

PORT ?= 5000

run:   ## set everything up, migrate, load the demo data once, serve on http://127.0.0.1:$(PORT)
	bash .ci/setup
	.venv/bin/flask --app app db upgrade
	.venv/bin/flask --app app seed-demo --if-empty
	.venv/bin/flask --app app run --host 127.0.0.1 --port $(PORT)

test:  ## set everything up (apt, pip, PostgreSQL) and run the whole suite on SQLite and PostgreSQL
	bash .ci/test
