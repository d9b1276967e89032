#!/usr/bin/env bash
# Runs one benchmark against a throw-away embedded PostgreSQL 17 and prints its table.
#
#   bench/run.sh ingest  [-Dbench.runs=1000000 -Dbench.batch=1000 -Dbench.rewriteEvery=5 ...]
#   bench/run.sh queries [-Dbench.runs=1000000 -Dbench.clients=8 -Dbench.scale=1.0 ...]
#   bench/run.sh plans   [-Dbench.runs=1000000]          # EXPLAIN (ANALYZE, BUFFERS) as Markdown
#   bench/run.sh startup [-Dbench.rounds=5 -Dbench.requests=1000]  # the packaged app (after ./mvnw verify)
#   bench/run.sh http    [-Dbench.runs=1000000 -Dbench.seconds=10 -Dbench.connections=8]  # the facade over HTTP (wrk)
#   bench/run.sh freshness [-Dbench.sizes=20,200,2000 -Dbench.pollInterval=60s -Dbench.changes=12]  # vendor change -> facade
#
# Compiles the application (main classes only, no tests) with the project's Maven wrapper, compiles
# bench/src against its classpath into target/bench-classes, and runs the benchmark's main class.
# Nothing here is part of `./mvnw verify`. Needs only a JDK 21+ (JAVA_HOME or java on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  ingest) main=IngestBench ;;
  queries) main=QueryBench ;;
  plans) main=QueryPlans ;;
  startup) main=StartupBench ;;
  http) main=HttpBench ;;
  freshness) main=FreshnessBench ;;
  *) echo "usage: bench/run.sh ingest|queries|plans|startup|http|freshness [-Dbench.<property>=<value> ...]" >&2; exit 2 ;;
esac
shift

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac_bin="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

if [ "$main" = FreshnessBench ]; then
  # The production jar under test (target/quarkus-app), and the vendor simulators packaged from a copy of
  # the sources with the demo profile into target/simulator-app, so that the two builds never mix classes.
  ./mvnw -q -B -ntp -DskipTests package >&2
  mkdir -p target/simulator-build
  tar --exclude=./target --exclude=./.git -cf - . | (cd target/simulator-build && tar -xf -)
  (cd target/simulator-build && ./mvnw -q -B -ntp -DskipTests -Dquarkus.profile=demo package >&2)
  rm -rf target/simulator-app && mkdir -p target/simulator-app
  cp -r target/simulator-build/target/quarkus-app target/simulator-app/
fi

./mvnw -q -B -ntp -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=compile >&2
classpath="target/classes:$(cat target/bench-classpath.txt)"
rm -rf target/bench-classes
"$javac_bin" --release 21 -d target/bench-classes -cp "$classpath" $(find bench/src -name '*.java')

exec "$java_bin" -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/bench-classes:$classpath" "$@" "dev.taskruns.bench.$main"
