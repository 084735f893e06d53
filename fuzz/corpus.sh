#!/bin/sh
# fuzz/corpus.sh TARGET...: fill fuzz/corpus-TARGET/ with what the
# repository already holds (tests/data and its reference copies) in the
# shape each target reads.  libFuzzer adds what it finds to the same
# directory; nothing here is committed.  Run from the top directory.
set -eu

REF=tests/data/reference
FIX=tests/data/filters

# Every JSON file of the reference and the fixtures, and the bodies
# inside the specification's examples (request and response bodies).
definitions() {
	find "$REF" "$FIX" -name '*.json' | sort
}

# put DIR NAME: stdin into DIR/NAME.
put() {
	cat >"$1/$2"
}

example_bodies() {	# example_bodies DIR PREFIX
	command -v jq >/dev/null 2>&1 || return 0
	for f in "$REF"/*.json; do
		b=$(basename "$f" .json)
		jq -c '(.parameters // {} | to_entries[] | select(.value | type == "object") | .value),
		    (.responses // {} | to_entries[] | .value.body | select(. != null))' "$f" \
		    2>/dev/null | awk -v d="$1" -v p="$2$b" '{ print > (d "/" p "-" NR) }'
	done
}

request() {	# request METHOD TARGET BODY-FILE: a wire-format request
	printf '%s %s HTTP/1.1\r\nAuthorization: Bearer @TOKEN@\r\nContent-Type: application/json\r\nx-ms-client-request-id: 6f1d2c3b-0000-4000-8000-000000000001\r\n\r\n' "$1" "$2"
	cat "$3"
}

WS=/subscriptions/@SUB@/resourceGroups/@RG@/providers/Microsoft.MachineLearning/webServices

for t in "$@"; do
	d=fuzz/corpus-$t
	mkdir -p "$d"
	case $t in
	defn|jinc)
		for f in $(definitions); do
			cp "$f" "$d/$(echo "$f" | tr / _)"
		done
		example_bodies "$d" example-
		# Node ids that the unseeded FNV-1a hash the tables once used
		# put in one slot (a flood), valid and with a duplicate.
		if command -v perl >/dev/null 2>&1; then
			perl bench/dupflood.pl -c -e 256 | put "$d" fnv-flood-256-edges.json
			perl bench/dupflood.pl -d 256 | put "$d" fnv-flood-256-dup.json
		fi
		;;
	patch)
		# The definition alone, and with -a: a key, a name, none found.
		for f in $(definitions); do
			n=$(echo "$f" | tr / _)
			cp "$f" "$d/$n"
			{ cat "$f"; printf '\000asset3'; } | put "$d" "$n-a-key"
			{ cat "$f"; printf '\000Join Data\000https://a.blob.core.windows.net/c/m.ilearner?sv=1&sig=x'; } |
			    put "$d" "$n-a-name"
		done
		example_bodies "$d" example-
		;;
	bes)
		for f in "$FIX"/bes-*.json; do
			n=$(basename "$f" .json)
			cp "$f" "$d/$n"
			{ cat "$f"; printf '\000output1'; } | put "$d" "$n-result"
			{ cat "$f"; printf '\000\000keep'; } | put "$d" "$n-keep-sas"
		done
		;;
	armerror)
		# Any JSON the services send, as the body of an error.
		for f in $(find "$REF" -name '*.json' -size -16k | sort); do
			{ printf 'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nx-ms-request-id: 1\r\n\r\n'
			  cat "$f"; } | put "$d" "$(echo "$f" | tr / _)"
		done
		;;
	token)
		# The seeds are hand-written (fuzz/seeds/token): no token
		# response is recorded in tests/data.
		;;
	emu)
		# Every definition as a PUT and a PATCH of the demo service,
		# in both API versions.
		tmp=$(mktemp -d)
		example_bodies "$tmp" ex-
		for f in $(definitions) "$tmp"/*; do
			[ -f "$f" ] || continue
			n=$(basename "$f" .json)
			# A region the service is offered in, so that the PUT
			# gets past that check to the definition.
			if command -v jq >/dev/null 2>&1 &&
			    jq -e 'type == "object" and has("location")' "$f" >/dev/null 2>&1; then
				jq -c '.location = "South Central US"' "$f" >"$tmp/put.json"
			else
				cp "$f" "$tmp/put.json"
			fi
			request PUT "$WS/fuzzws?api-version=2017-01-01" "$tmp/put.json" | put "$d" "put-$n"
			request PATCH "$WS/@WS@?api-version=2017-01-01" "$f" | put "$d" "patch-$n"
			request PUT "$WS/fuzzws?api-version=2016-05-01-preview" "$tmp/put.json" | put "$d" "put-preview-$n"
		done
		rm -rf "$tmp"
		;;
	*)
		echo "fuzz/corpus.sh: $t: no corpus rule (its seeds alone are used)" >&2
		;;
	esac
done
