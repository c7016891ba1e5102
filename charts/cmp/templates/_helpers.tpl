{{- define "cmp-umbrella.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: cmp
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: cmp
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
