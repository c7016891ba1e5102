{{/*
_cmp.tpl — the templates every CMP service chart shares. This file is identical in charts/gateway, charts/runner,
charts/provisioner and charts/control-plane (a test in tests/Cmp.Deploy.Tests enforces it): edit one copy, then
copy it over the others. It is vendored rather than a library chart dependency because nested chart dependencies
are not built by Argo CD (an umbrella's subcharts would render without them).
*/}}

{{- define "cmp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cmp.fullname" -}}
{{- $name := include "cmp.fullnameUnchecked" . -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $name) -}}
{{- fail (printf "%q is not a valid object name (lower-case DNS label): check nameOverride/fullnameOverride, and never alias these charts" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{- define "cmp.fullnameUnchecked" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "cmp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cmp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cmp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "cmp.selectorLabels" . }}
app.kubernetes.io/version: {{ include "cmp.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/component: {{ .Chart.Name }}
app.kubernetes.io/part-of: cmp
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "cmp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cmp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image: registry (global wins) / repository : tag (chart appVersion by default) or @digest. */}}
{{- define "cmp.imageTag" -}}
{{- $g := (.Values.global | default dict).image | default dict -}}
{{- .Values.image.tag | default $g.tag | default .Chart.AppVersion | toString -}}
{{- end -}}

{{- define "cmp.image" -}}
{{- $g := (.Values.global | default dict).image | default dict -}}
{{- $registry := $g.registry | default .Values.image.registry -}}
{{- $repo := ternary (printf "%s/%s" $registry .Values.image.repository) .Values.image.repository (ne (toString $registry) "") -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (include "cmp.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{- define "cmp.pullPolicy" -}}
{{- $g := (.Values.global | default dict).image | default dict -}}
{{- .Values.image.pullPolicy | default $g.pullPolicy | default "IfNotPresent" -}}
{{- end -}}

{{/*
Settings: global.config deep-merged under .Values.config (the service wins), keyed exactly like appsettings.json,
flattened to Section__Key environment variables. String values may use templates ({{ .Release.Name }}).
*/}}
{{- define "cmp.config" -}}
{{- $global := deepCopy (((.Values.global | default dict).config) | default dict) -}}
{{- toYaml (mustMergeOverwrite $global (deepCopy (.Values.config | default dict))) -}}
{{- end -}}

{{- define "cmp.flatten" -}}
{{- $root := .root -}}
{{- range $key, $value := .value -}}
{{- $name := ternary $key (printf "%s__%s" $.prefix $key) (eq $.prefix "") -}}
{{- if kindIs "map" $value -}}
{{- include "cmp.flatten" (dict "root" $root "prefix" $name "value" $value) -}}
{{- else if kindIs "slice" $value -}}
{{- range $i, $item := $value -}}
{{- if kindIs "map" $item -}}
{{- include "cmp.flatten" (dict "root" $root "prefix" (printf "%s__%d" $name $i) "value" $item) -}}
{{- else -}}
{{ printf "%s__%d" $name $i }}: {{ include "cmp.scalar" (dict "root" $root "value" $item) | quote }}
{{ end -}}
{{- end -}}
{{- else if not (kindIs "invalid" $value) -}}
{{ $name }}: {{ include "cmp.scalar" (dict "root" $root "value" $value) | quote }}
{{ end -}}
{{- end -}}
{{- end -}}

{{/* YAML numbers arrive as float64: print whole numbers without an exponent (1048576, not 1.048576e+06). */}}
{{- define "cmp.scalar" -}}
{{- $v := .value -}}
{{- if and (kindIs "float64" $v) (eq $v (float64 (int64 $v))) -}}
{{- int64 $v -}}
{{- else if kindIs "string" $v -}}
{{- tpl $v .root -}}
{{- else -}}
{{- toString $v -}}
{{- end -}}
{{- end -}}

{{- define "cmp.configEnv" -}}
{{- include "cmp.flatten" (dict "root" . "prefix" "" "value" (fromYaml (include "cmp.config" .))) -}}
{{- end -}}

{{/* Secret settings the chart stores itself (dev); keys are the env var names. */}}
{{- define "cmp.ownSecrets" -}}
{{- range $env, $s := .Values.secrets -}}
{{- if and $s (not $s.existingSecret) $s.value }}
{{ $env }}: {{ $s.value | toString | quote }}
{{- end -}}
{{- end -}}
{{- if and .Values.database .Values.database.enabled (not .Values.database.existingSecret) (not .Values.database.cnpg.secretName) .Values.database.connectionString }}
{{ .Values.database.env }}: {{ .Values.database.connectionString | quote }}
{{- end -}}
{{- end -}}

{{/* Every environment variable of the container (and of the migration init container / job). */}}
{{- define "cmp.env" -}}
{{- $root := . -}}
- name: ASPNETCORE_HTTP_PORTS
  value: {{ .Values.containerPort | quote }}
- name: ASPNETCORE_ENVIRONMENT
  value: {{ .Values.environment | quote }}
- name: POD_NAME
  valueFrom: {fieldRef: {fieldPath: metadata.name}}
- name: POD_NAMESPACE
  valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
{{- range $env, $s := .Values.secrets }}
{{- if and $s (or $s.existingSecret $s.value) }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $s.existingSecret | default (include "cmp.fullname" $root) }}
      key: {{ ternary ($s.key | default $env) $env (not (empty $s.existingSecret)) }}
      {{- if $s.optional }}
      optional: true
      {{- end }}
{{- else if and $s $s.required }}
{{- fail (printf "%s: secret setting %s is required: set secrets.%s.existingSecret (recommended) or secrets.%s.value" $root.Chart.Name $env $env $env) }}
{{- end }}
{{- end }}
{{- with .Values.database }}
{{- if .enabled }}
{{- if .cnpg.secretName }}
{{- range $k := list "host" "port" "dbname" "user" "password" }}
- name: CMP_DB_{{ upper $k }}
  valueFrom: {secretKeyRef: {name: {{ $root.Values.database.cnpg.secretName }}, key: {{ $k }}}}
{{- end }}
- name: {{ .env }}
  value: {{ printf "Host=$(CMP_DB_HOST);Port=$(CMP_DB_PORT);Database=$(CMP_DB_DBNAME);Username=$(CMP_DB_USER);Password=$(CMP_DB_PASSWORD);%s" .cnpg.extraParameters | quote }}
{{- else if or .existingSecret .connectionString }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | default (include "cmp.fullname" $root) }}
      key: {{ ternary .existingSecretKey .env (not (empty .existingSecret)) }}
{{- else }}
{{- fail (printf "%s: database.enabled needs database.cnpg.secretName, database.existingSecret or database.connectionString" $root.Chart.Name) }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "cmp.envFrom" -}}
{{- if (include "cmp.configEnv" .) }}
- configMapRef:
    name: {{ include "cmp.fullname" . }}
{{- end }}
{{- with .Values.envFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "cmp.probes" -}}
startupProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 2
  timeoutSeconds: 2
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: http}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{- define "cmp.configmap" -}}
{{- $data := include "cmp.configEnv" . -}}
{{- if $data }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
data:
  {{- $data | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "cmp.secret" -}}
{{- $data := include "cmp.ownSecrets" . -}}
{{- if $data }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
type: Opaque
stringData:
  {{- $data | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "cmp.serviceaccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "cmp.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
{{- end }}
{{- end -}}

{{- define "cmp.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "cmp.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels:
      {{- include "cmp.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "cmp.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Roll the pods when their configuration changes (env vars are read once, at start).
        checksum/config: {{ include "cmp.configEnv" . | sha256sum }}
        checksum/secret: {{ include "cmp.ownSecrets" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "cmp.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
      {{- with (.Values.imagePullSecrets | default ((.Values.global | default dict).imagePullSecrets)) }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.podSecurityContext.runAsUser }}
        runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
        fsGroup: {{ .Values.podSecurityContext.fsGroup }}
        seccompProfile:
          type: RuntimeDefault
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- if .Values.topologySpread }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "cmp.selectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if and .Values.migrations .Values.migrations.enabled (eq .Values.migrations.mode "initContainer") }}
      initContainers:
        - name: migrate
          image: {{ include "cmp.image" . | quote }}
          imagePullPolicy: {{ include "cmp.pullPolicy" . }}
          args: {{ toJson .Values.migrations.args }}
          env:
            {{- include "cmp.env" . | nindent 12 }}
          {{- with (include "cmp.envFrom" . | trim) }}
          envFrom:
            {{- . | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "cmp.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "cmp.image" . | quote }}
          imagePullPolicy: {{ include "cmp.pullPolicy" . }}
          {{- with .Values.args }}
          args: {{ toJson . }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          env:
            {{- include "cmp.env" . | nindent 12 }}
            {{- if and .Values.migrations .Values.migrations.enabled }}
            - name: Database__MigrateOnStartup
              value: {{ (eq .Values.migrations.mode "startup") | quote }}
            {{- end }}
          {{- with (include "cmp.envFrom" . | trim) }}
          envFrom:
            {{- . | nindent 12 }}
          {{- end }}
          {{- include "cmp.probes" . | nindent 10 }}
          {{- if .Values.preStopSleepSeconds }}
          lifecycle:
            # Keep serving while the endpoint removal propagates to proxies and ingress (no shell needed).
            preStop:
              sleep: {seconds: {{ .Values.preStopSleepSeconds }}}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "cmp.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; .NET and ASP.NET Core still want a writable temp folder.
            - {name: tmp, mountPath: /tmp}
            {{- with .Values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 64Mi}
        {{- with .Values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{- define "cmp.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "cmp.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "cmp.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
spec:
  {{- if .Values.podDisruptionBudget.minAvailable }}
  minAvailable: {{ .Values.podDisruptionBudget.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "cmp.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "cmp.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "cmp.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target: {type: Utilization, averageUtilization: {{ . }}}
    {{- end }}
{{- end }}
{{- end -}}

{{- define "cmp.ingress" -}}
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ tpl .host $ | quote }}
      http:
        paths:
          {{- range (.paths | default (list (dict "path" "/" "pathType" "Prefix"))) }}
          - path: {{ .path }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ include "cmp.fullname" $ }}
                port: {name: http}
          {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy: deny everything, then allow only the flows in ARCHITECTURE.md, named in
networkPolicy.ingressFrom / egressTo. A name is either a CMP service of this release (gateway, runner,
provisioner, control-plane: same namespace, port 8080) or a peer of networkPolicy.peers (global.networkPolicy.peers
merged under it): {namespace, podLabels, cidrs, except, ports}.
*/}}
{{/* Where the platform's other parts run when deployed by argocd/apps; override in global.networkPolicy.peers. */}}
{{- define "cmp.defaultPeers" -}}
dns: {namespace: kube-system, podLabels: {k8s-app: kube-dns}, ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}
ingressController: {namespace: ingress-nginx, podLabels: {app.kubernetes.io/name: ingress-nginx}}
keycloak: {namespace: keycloak, podLabels: {app.kubernetes.io/name: keycloakx}, ports: [8080]}
saleor: {namespace: saleor, podLabels: {app.kubernetes.io/name: saleor, app.kubernetes.io/component: api}, ports: [8000]}
saleorWebhooks: {namespace: saleor, podLabels: {app.kubernetes.io/name: saleor}}
langflow: {namespace: langflow, podLabels: {app.kubernetes.io/name: langflow-runtime}, ports: [7860]}
postgres: {podLabels: {cnpg.io/cluster: cmp-db}, ports: [5432]}
# The API server is not a pod: policies see its endpoint address (kind: the node, 172.18.0.0/16; managed clusters: a
# private address). Private ranges by default; narrow to the real endpoint in production (kubectl get endpoints kubernetes).
kubeApiServer: {cidrs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], ports: [443, 6443]}
https: {cidrs: [0.0.0.0/0], except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], ports: [443]}
{{- end -}}

{{- define "cmp.peer" -}}
{{- $root := .root -}}
{{- $global := ((($root.Values.global | default dict).networkPolicy) | default dict).peers | default dict -}}
{{- $peers := mustMergeOverwrite (fromYaml (include "cmp.defaultPeers" $root)) (deepCopy $global) (deepCopy ($root.Values.networkPolicy.peers | default dict)) -}}
{{- $services := list "gateway" "runner" "provisioner" "control-plane" -}}
{{- if has .name $services -}}
{{- toYaml (dict "podLabels" (dict "app.kubernetes.io/name" .name "app.kubernetes.io/instance" $root.Release.Name) "ports" (list 8080)) -}}
{{- else if hasKey $peers .name -}}
{{- toYaml (get $peers .name) -}}
{{- else -}}
{{- fail (printf "%s: networkPolicy names unknown peer %q (define it in networkPolicy.peers or global.networkPolicy.peers)" $root.Chart.Name .name) -}}
{{- end -}}
{{- end -}}

{{- define "cmp.peerRule" -}}
{{- $p := fromYaml (include "cmp.peer" .) -}}
{{- $dir := .direction -}}
- {{ $dir }}:
    {{- if $p.cidrs }}
    {{- range $p.cidrs }}
    - ipBlock:
        cidr: {{ . }}
        {{- with $p.except }}
        except: {{ toJson . }}
        {{- end }}
    {{- end }}
    {{- else }}
    - podSelector:
        matchLabels:
          {{- toYaml ($p.podLabels | default dict) | nindent 10 }}
      {{- if $p.namespace }}
      namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $p.namespace }}
      {{- end }}
    {{- end }}
  {{- with $p.ports }}
  ports:
    {{- range . }}
    {{- if kindIs "map" . }}
    - {port: {{ .port }}, protocol: {{ .protocol | default "TCP" }}}
    {{- else }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
    {{- end }}
  {{- end }}
{{- end -}}

{{- define "cmp.networkpolicy" -}}
{{- $enabled := .Values.networkPolicy.enabled -}}
{{- $g := ((.Values.global | default dict).networkPolicy) | default dict -}}
{{- if hasKey $g "enabled" }}{{ $enabled = and $enabled $g.enabled }}{{ end -}}
{{- if $enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "cmp.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "cmp.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- range .Values.networkPolicy.ingressFrom }}
    {{- $rule := include "cmp.peerRule" (dict "root" $ "name" . "direction" "from") | fromYamlArray | first }}
    {{- $_ := set $rule "ports" (list (dict "port" $.Values.containerPort "protocol" "TCP")) }}
    - {{ toYaml $rule | nindent 6 | trim }}
    {{- end }}
  egress:
    {{- range .Values.networkPolicy.egressTo }}
    {{- include "cmp.peerRule" (dict "root" $ "name" . "direction" "to") | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
migrations.mode=job: apply migrations once per release before anything else changes (Helm pre-install/pre-upgrade;
Argo CD runs it as a PreSync hook). Its settings are inline because this chart's ConfigMap and Secret do not exist
yet when a pre-install hook runs; for the same reason the database Secret must come from outside the chart.
*/}}
{{- define "cmp.migratejob" -}}
{{- if and .Values.migrations .Values.migrations.enabled (eq .Values.migrations.mode "job") }}
{{- if and (not .Values.database.cnpg.secretName) (not .Values.database.existingSecret) }}
{{- fail "migrations.mode=job needs database.cnpg.secretName or database.existingSecret: a hook runs before this chart's own Secret exists" }}
{{- end }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "cmp.fullname" . }}-migrate
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "cmp.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .Values.migrations.job.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migrations.job.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      labels:
        {{- include "cmp.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: migrate
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "cmp.serviceAccountName" . }}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.podSecurityContext.runAsUser }}
        runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
        fsGroup: {{ .Values.podSecurityContext.fsGroup }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: migrate
          image: {{ include "cmp.image" . | quote }}
          imagePullPolicy: {{ include "cmp.pullPolicy" . }}
          args: {{ toJson .Values.migrations.args }}
          env:
            {{- include "cmp.env" . | nindent 12 }}
            {{- range $k, $v := fromYaml (include "cmp.configEnv" .) }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "cmp.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 64Mi}
{{- end }}
{{- end -}}
