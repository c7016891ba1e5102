{{/* What every child Application shares: cascade deletion, automated sync with prune and self-heal, retries. */}}
{{- define "apps.metadata" -}}
name: {{ .name }}
namespace: argocd
labels:
  app.kubernetes.io/part-of: cmp
  app.kubernetes.io/managed-by: argocd
annotations:
  argocd.argoproj.io/sync-wave: {{ .wave | quote }}
finalizers:
  - resources-finalizer.argocd.argoproj.io
{{- end -}}

{{- define "apps.syncPolicy" -}}
automated:
  prune: true
  selfHeal: true
syncOptions:
  - CreateNamespace=true
  {{- range .extra }}
  - {{ . }}
  {{- end }}
retry:
  limit: 10
  backoff: {duration: 10s, factor: 2, maxDuration: 5m}
{{- end -}}

{{- define "apps.url" -}}
{{ .root.Values.publicScheme }}://{{ .host }}:{{ .root.Values.publicPort }}
{{- end -}}
