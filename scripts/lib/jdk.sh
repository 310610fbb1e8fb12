# Shared by the scripts: pick the newest JDK (>= 17) found, and say which.
# Candidates: $JAVA_HOME, every JDK under /usr/lib/jvm, the java on PATH. HATTN_JAVA_HOME forces one.

jdk_feature_version() {
    # prints the feature version (17, 21, 25) of the JDK at $1, or nothing
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

jdk_candidates() {
    # prints every folder that may hold a JDK, one per line: $JAVA_HOME, /usr/lib/jvm/*, the java on PATH
    path_java="$(command -v java 2>/dev/null || true)"
    [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
    for candidate in /usr/lib/jvm/*; do
        echo "$candidate"
    done
    [ -n "$path_java" ] && dirname "$(dirname "$(readlink -f "$path_java")")"
    return 0
}

find_newest_jdk() {
    if [ -n "${HATTN_JAVA_HOME:-}" ]; then
        echo "$HATTN_JAVA_HOME"
        return
    fi
    best=""
    best_version=0
    while read -r candidate; do
        [ -n "$candidate" ] && [ -d "$candidate" ] || continue
        version="$(jdk_feature_version "$candidate")"
        [ -n "$version" ] || continue
        if [ "$version" -gt "$best_version" ]; then
            best="$(readlink -f "$candidate")"
            best_version="$version"
        fi
    done < <(jdk_candidates)
    if [ "$best_version" -lt 17 ]; then
        echo "hattn: no JDK 17 or newer found (looked at JAVA_HOME, /usr/lib/jvm, PATH)" >&2
        return 1
    fi
    echo "$best"
}

find_jdk_with_feature() {
    # prints the first JDK of feature version $1 found (JAVA_HOME, /usr/lib/jvm, PATH), or nothing
    while read -r candidate; do
        [ -n "$candidate" ] && [ -d "$candidate" ] || continue
        if [ "$(jdk_feature_version "$candidate")" = "$1" ]; then
            readlink -f "$candidate"
            return
        fi
    done < <(jdk_candidates)
}
