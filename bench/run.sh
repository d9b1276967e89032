#!/usr/bin/env bash
# Runs one benchmark against a throw-away embedded PostgreSQL 17 and prints its table.
#
#   bench/run.sh ingest  [-Dbench.runs=1000000 -Dbench.batch=1000 -Dbench.rewriteEvery=5 ...]
#   bench/run.sh queries [-Dbench.runs=1000000 -Dbench.clients=8 -Dbench.scale=1.0 ...]
#   bench/run.sh plans   [-Dbench.runs=1000000]          # EXPLAIN (ANALYZE, BUFFERS) as Markdown
#   bench/run.sh startup [-Dbench.rounds=5 -Dbench.requests=1000]  # the packaged app (after ./mvnw verify)
#   bench/run.sh http    [-Dbench.runs=1000000 -Dbench.seconds=10 -Dbench.connections=8]  # the facade over HTTP (wrk)
#   bench/run.sh sync    [-Dbench.esetTasks=4000 -Dbench.alibabaTasks=50000]  # ingest from the simulators vs COPY
#   bench/run.sh sources [-Dbench.sources=50 -Dbench.interval=60 -Dbench.cycles=5]  # 50 sources on one replica: poll lag
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
  sync) main=SyncBench ;;
  sources) main=SourcesBench ;;
  freshness) main=FreshnessBench ;;
  *) echo "usage: bench/run.sh ingest|queries|plans|startup|http|sync|sources|freshness [-Dbench.<property>=<value> ...]" >&2; exit 2 ;;
esac
shift

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac_bin="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

./mvnw -q -B -ntp -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=compile >&2
classpath="target/classes:$(cat target/bench-classpath.txt)"
rm -rf target/bench-classes
"$javac_bin" --release 21 -d target/bench-classes -cp "$classpath" $(find bench/src -name '*.java')

# The simulators' process (SimulatorHost) runs the demo build, which compiles them into the main
# sources: built from a copy of the sources so that target/classes and target/quarkus-app stay the
# production build. Rebuilt when the copy differs from the sources.
if [[ $main == SyncBench || $main == SourcesBench || $main == FreshnessBench ]]; then
  mkdir -p target/simulator-build
  if ! cmp -s pom.xml target/simulator-build/pom.xml \
      || ! diff -rq src target/simulator-build/src >/dev/null 2>&1 \
      || [[ ! -f target/simulator-build/target/quarkus-app/quarkus-run.jar ]]; then
    rm -rf target/simulator-build/src
    cp -r pom.xml mvnw .mvn src target/simulator-build/
    (cd target/simulator-build && ./mvnw -q -B -ntp package -DskipTests -Dquarkus.profile=demo \
      -Dquarkus.package.jar.aot.enabled=false >&2)
  fi
fi

exec "$java_bin" -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/bench-classes:$classpath" "$@" "dev.taskruns.bench.$main"
