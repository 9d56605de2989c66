#!/usr/bin/env bash
# The step of the composite action (action.yml): `render diff --base BASE
# --all DIR` into the job summary, the output `changed`, and, with
# COMMENT=true, a pull-request comment.
#
# Environment: BASE (required), DIR (.), FORMAT (markdown),
# KUSTOMIZE_VERSION (krust's default), COMMENT (false), GH_TOKEN and
# PR_NUMBER (for the comment), GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
# GITHUB_REPOSITORY (set by the runner).
#
# Exit status: 0 whether or not anything changed (see `changed`); render's
# own status (2) when the comparison cannot be made.
set -euo pipefail

: "${BASE:?BASE is empty: give the action a base revision (input base; on pull_request events it defaults to the base commit)}"
args=(diff --base "$BASE" --all "${DIR:-.}" --format "${FORMAT:-markdown}")
if [[ -n "${KUSTOMIZE_VERSION:-}" ]]; then
  args+=(--kustomize-version "$KUSTOMIZE_VERSION")
fi

report=$(mktemp)
trap 'rm -f "$report" "$report.comment"' EXIT
status=0
render "${args[@]}" >"$report" || status=$?
case $status in
  0) changed=false ;;
  1) changed=true ;;
  *)
    echo "render diff failed (exit $status): see the error above" >&2
    exit "$status"
    ;;
esac

# clip FILE LIMIT: FILE's first LIMIT bytes (GitHub keeps 1 MiB of summary
# per step and 65,536 characters of comment), a diff block left open by the
# cut closed, and a note saying where the rest is.
clip() {
  head -c "$2" "$1"
  if (($(wc -c <"$1") > $2)); then
    if (($(head -c "$2" "$1" | grep -c '^```') % 2 == 1)); then
      printf '\n```'
    fi
    printf '\n\n(cut at %s bytes: `render %s` prints it all)\n' "$2" "${args[*]}"
  fi
}

cat "$report"
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  clip "$report" 1000000 >>"$GITHUB_STEP_SUMMARY"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "changed=$changed" >>"$GITHUB_OUTPUT"
fi

if [[ "${COMMENT:-false}" != true ]]; then
  exit 0
fi
if [[ -z "${GH_TOKEN:-}" ]]; then
  echo "::warning::comment: true needs a token (input token, GH_TOKEN); not commenting"
  exit 0
fi
if [[ -z "${PR_NUMBER:-}" ]]; then
  echo "::warning::comment: true outside a pull request; not commenting"
  exit 0
fi

# One comment per pull request, found again by this marker and updated.
marker='<!-- krust render diff -->'
{
  echo "$marker"
  clip "$report" 60000
} >"$report.comment"
comments="repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments"
existing=$(gh api --paginate "$comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | sed -n 1p)
if [[ -n "$existing" ]]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" \
    -F "body=@$report.comment" >/dev/null
elif [[ "$changed" == true ]]; then
  gh api --method POST "$comments" -F "body=@$report.comment" >/dev/null
fi
