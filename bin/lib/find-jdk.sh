# Finds a JDK whose feature version is at least MAESTRO_MIN_JAVA (default 21) and prints its home.
# Sourced by bin/maestro and mvnw. Looks at, in order: $MAESTRO_JAVA_HOME, $JAVA_HOME, the java on
# PATH, then the usual install locations (Debian/Ubuntu, Temurin, SDKMAN, macOS).

maestro_java_feature() {
  # Prints the feature version (e.g. 21) of the JDK at $1, or nothing.
  local home="$1" v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release" | head -n1)
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
  [ "$v" = "1" ] && v=8
  [ -n "$v" ] && echo "$v"
}

maestro_find_jdk() {
  local min="${MAESTRO_MIN_JAVA:-21}" candidates=() c f best="" best_v=0
  [ -n "${MAESTRO_JAVA_HOME:-}" ] && candidates+=("$MAESTRO_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)" 2>/dev/null || true)
    [ -n "$c" ] && candidates+=("$(dirname "$(dirname "$c")")")
  fi
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  # An explicit choice wins if it qualifies; otherwise take the newest qualifying JDK.
  for c in "${candidates[@]}"; do
    f=$(maestro_java_feature "$c") || continue
    [ -n "$f" ] && [ "$f" -ge "$min" ] || continue
    if [ "$c" = "${MAESTRO_JAVA_HOME:-}" ] || [ "$c" = "${JAVA_HOME:-}" ]; then echo "$c"; return 0; fi
    if [ "$f" -gt "$best_v" ]; then best="$c"; best_v="$f"; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  {
    echo "maestro: no JDK $min or newer found."
    echo "  Looked at: \$MAESTRO_JAVA_HOME, \$JAVA_HOME, the java on PATH, /usr/lib/jvm, /opt/java, SDKMAN, macOS JavaVirtualMachines."
    echo "  Install one (e.g. 'apt-get install temurin-21-jdk' from Adoptium's repository, or 'sdk install java 21-tem'),"
    echo "  or point MAESTRO_JAVA_HOME at an existing JDK $min+."
  } >&2
  return 1
}
