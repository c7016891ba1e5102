{{- define "saleor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "saleor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: saleor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "saleor.selector" -}}
app.kubernetes.io/name: saleor
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "saleor.secretKeyName" -}}
{{- .Values.secretKey.existingSecret | default (printf "%s-secret-key" (include "saleor.fullname" .)) -}}
{{- end -}}

{{- define "saleor.redis" -}}
{{- if .Values.valkey.enabled -}}redis://{{ include "saleor.fullname" . }}-valkey:6379{{- else -}}{{ required "externalRedisUrl is required when valkey.enabled is false" .Values.externalRedisUrl }}{{- end -}}
{{- end -}}

{{- define "saleor.env" -}}
- {name: DATABASE_URL, valueFrom: {secretKeyRef: {name: {{ .Values.database.secretName }}, key: {{ .Values.database.uriKey }}}}}
- {name: SECRET_KEY, valueFrom: {secretKeyRef: {name: {{ include "saleor.secretKeyName" . }}, key: SECRET_KEY}}}
- {name: CACHE_URL, value: {{ printf "%s/0" (include "saleor.redis" .) | quote }}}
- {name: CELERY_BROKER_URL, value: {{ printf "%s/1" (include "saleor.redis" .) | quote }}}
- {name: ALLOWED_HOSTS, value: {{ tpl .Values.allowedHosts . | quote }}}
- {name: ALLOWED_CLIENT_HOSTS, value: {{ .Values.allowedClientHosts | quote }}}
- {name: PUBLIC_URL, value: {{ .Values.publicUrl | quote }}}
- {name: DASHBOARD_URL, value: {{ .Values.dashboardUrl | quote }}}
- {name: DEFAULT_CHANNEL_SLUG, value: {{ .Values.defaultChannelSlug | quote }}}
- {name: DEFAULT_FROM_EMAIL, value: {{ .Values.defaultFromEmail | quote }}}
- {name: HTTP_IP_FILTER_ENABLED, value: {{ ternary "True" "False" .Values.httpIpFilterEnabled | quote }}}
- {name: DEBUG, value: "False"}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "saleor.securityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities: {drop: [ALL]}
seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "saleor.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile: {type: RuntimeDefault}
{{- end -}}
