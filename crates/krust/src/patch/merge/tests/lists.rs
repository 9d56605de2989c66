//! Lists: prepending, merge keys, and which kinds' lists merge or are replaced
//! (the schema table checked against kubectl, kind by kind).

use super::{check, check_pod};

/// New and existing patch elements are prepended in the patch's order; the target's other elements
/// follow in theirs.
#[test]
fn patch_elements_come_first_in_patch_order() {
    check_pod(
        r#"{containers: [{name: a, image: a}, {name: b, image: b}, {name: c, image: c}]}"#,
        r#"{containers: [{name: c, image: c2}, {name: d, image: d}, {name: e, image: e}, {name: a, image: a2}]}"#,
        r#"containers:
- image: c2
  name: c
- image: d
  name: d
- image: e
  name: e
- image: a2
  name: a
- image: b
  name: b
"#,
    );
}

/// Several new elements go before the target's, in the patch's order.
#[test]
fn several_new_elements_keep_their_order() {
    check_pod(
        r#"{containers: [{name: a, image: a}]}"#,
        r#"{containers: [{name: x, image: x}, {name: y, image: y}]}"#,
        r#"containers:
- image: x
  name: x
- image: "y"
  name: "y"
- image: a
  name: a
"#,
    );
}

/// env merges by name, volumeMounts by mountPath, inside a merged container.
#[test]
fn nested_lists_merge_by_their_own_keys() {
    check_pod(
        r#"{containers: [{name: a, env: [{name: A, value: '1'}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}], volumeMounts: [{name: v1, mountPath: /a}]}]}"#,
        r#"{containers: [{name: a, env: [{name: B, value: '2'}, {name: C, value: '3'}], volumeMounts: [{name: v1, mountPath: /b}]}]}"#,
        r#"containers:
- env:
  - name: B
    value: "2"
    valueFrom:
      secretKeyRef:
        key: k
        name: s
  - name: C
    value: "3"
  - name: A
    value: "1"
  name: a
  volumeMounts:
  - mountPath: /b
    name: v1
  - mountPath: /a
    name: v1
"#,
    );
}

/// volumes are `merge,retainKeys`; kyaml merges and ignores retainKeys, so both volume sources
/// stay.
#[test]
fn volumes_merge_without_retaining_keys() {
    check_pod(
        r#"{volumes: [{name: v1, emptyDir: {}}, {name: v2, configMap: {name: c}}]}"#,
        r#"{volumes: [{name: v1, configMap: {name: x}}]}"#,
        r#"volumes:
- configMap:
    name: x
  emptyDir: {}
  name: v1
- configMap:
    name: c
  name: v2
"#,
    );
}

/// A patch element lacking its merge key matches every element that has the key, and deletes them
/// all.
#[test]
fn element_without_merge_key_deletes_every_keyed_element() {
    check_pod(
        r#"{containers: [{name: a, image: a}, {name: b, image: b}]}"#,
        r#"{containers: [{image: x}]}"#,
        r#"containers: []
"#,
    );
}

/// Every merged list of the target is walked, even where the patch is silent: elements with the
/// same key collapse to the last one.
#[test]
fn target_duplicates_collapse_to_the_last() {
    check_pod(
        r#"{containers: [{name: a, image: a1}, {name: b, image: b}, {name: a, image: a2, x: 1}]}"#,
        r#"{hostname: h}"#,
        r#"containers:
- image: a2
  name: a
  x: 1
- image: b
  name: b
hostname: h
"#,
    );
}

/// Of patch elements with the same key only the first is used; null and empty elements match
/// nothing and, lacking the key, clear the target's keyed elements.
#[test]
fn patch_duplicates_keep_the_first_and_voids_vanish() {
    check_pod(
        r#"{containers: [{name: a, image: a}]}"#,
        r#"{containers: [{name: b, image: b1}, {name: a, image: a2}, {name: b, image: b2, x: 1}, null, {}]}"#,
        r#"containers:
- image: b1
  name: b
- image: a2
  name: a
"#,
    );
}

/// A target element whose key is null has an empty key tuple and is deleted by it.
#[test]
fn target_element_with_null_key_is_dropped() {
    check_pod(
        r#"{containers: [{name: a, image: a}, {name: null, image: n}]}"#,
        r#"{containers: [{name: a, image: a2}]}"#,
        r#"containers:
- image: a2
  name: a
"#,
    );
}

/// Deleting the last element leaves `[]`, not a missing field.
#[test]
fn deleting_every_element_leaves_an_empty_list() {
    check_pod(
        r#"{containers: [{name: a, image: a}]}"#,
        r#"{containers: [{name: a, $patch: delete}]}"#,
        r#"containers: []
"#,
    );
}

/// Container ports are keyed by containerPort and protocol; a patch port without protocol is
/// unified with a target port that has one, and kyaml then finds no patch element to merge (the
/// patch's change is lost).
#[test]
fn container_ports_match_on_port_and_protocol() {
    check_pod(
        r#"{containers: [{name: a, ports: [{containerPort: 80, protocol: TCP, name: http}, {containerPort: 80, protocol: UDP, name: udp}, {containerPort: 90, name: x}]}]}"#,
        r#"{containers: [{name: a, ports: [{containerPort: 80, name: http2}, {containerPort: 90, protocol: TCP, name: y}, {containerPort: 100, protocol: UDP}]}]}"#,
        r#"containers:
- name: a
  ports:
  - containerPort: 100
    protocol: UDP
  - containerPort: 80
    name: http
    protocol: TCP
  - containerPort: 80
    name: udp
    protocol: UDP
  - containerPort: 90
    name: x
"#,
    );
}

/// Keys compare as text: a string "80" matches the number 80, and the target's quoted style
/// survives.
#[test]
fn port_numbers_match_by_text() {
    check_pod(
        r#"{containers: [{name: a, ports: [{containerPort: '80'}, {containerPort: 81, protocol: TCP}]}]}"#,
        r#"{containers: [{name: a, ports: [{containerPort: 80, name: p}]}]}"#,
        r#"containers:
- name: a
  ports:
  - containerPort: "80"
    name: p
  - containerPort: 81
    protocol: TCP
"#,
    );
}

/// topologySpreadConstraints are keyed by topologyKey and whenUnsatisfiable.
#[test]
fn topology_spread_constraints_use_two_keys() {
    check_pod(
        r#"{topologySpreadConstraints: [{topologyKey: zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}, {topologyKey: host, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}]}"#,
        r#"{topologySpreadConstraints: [{topologyKey: host, whenUnsatisfiable: ScheduleAnyway, maxSkew: 2}, {topologyKey: zone, maxSkew: 3}]}"#,
        r#"topologySpreadConstraints:
- maxSkew: 2
  topologyKey: host
  whenUnsatisfiable: ScheduleAnyway
- maxSkew: 1
  topologyKey: zone
  whenUnsatisfiable: DoNotSchedule
- maxSkew: 1
  topologyKey: host
  whenUnsatisfiable: DoNotSchedule
"#,
    );
}

/// imagePullSecrets merge by name; an empty patch list leaves a merged list alone, and replaces a
/// list without strategy.
#[test]
fn image_pull_secrets_merge_by_name() {
    check_pod(
        r#"{containers: [{name: a, image: a}], tolerations: [{key: a}], imagePullSecrets: [{name: s}]}"#,
        r#"{containers: [], tolerations: [], imagePullSecrets: [{name: t}], initContainers: [], nodeSelector: {}}"#,
        r#"containers:
- image: a
  name: a
imagePullSecrets:
- name: t
- name: s
initContainers: []
nodeSelector: {}
tolerations: []
"#,
    );
}

/// tolerations have no patch strategy in v1.21.2: the patch's list replaces the target's as
/// written.
#[test]
fn tolerations_are_replaced() {
    check_pod(
        r#"{tolerations: [{key: a, operator: Exists}]}"#,
        r#"{tolerations: [{key: b, operator: Exists}, {key: c, $patch: delete, value: null}]}"#,
        r#"tolerations:
- key: b
  operator: Exists
- $patch: delete
  key: c
  value: null
"#,
    );
}

/// metadata.finalizers merge by value: the patch's first, then the target's others.
#[test]
fn finalizers_merge_as_scalars() {
    check(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [a, b, c]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata: {name: c, finalizers: [d, b, e]}
"#,
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  finalizers:
  - d
  - b
  - e
  - a
  - c
  name: c
"#,
    );
}

/// Service ports are keyed by port and protocol.
#[test]
fn service_ports_match_on_port_and_protocol() {
    check(
        r#"apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports: [{port: 80, protocol: TCP, name: http, targetPort: 8080}, {port: 443, name: https}]
"#,
        r#"apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports: [{port: 443, name: https, targetPort: 8443}, {port: 80, protocol: UDP, name: dns}, {port: 9090, protocol: TCP, name: metrics}]
"#,
        r#"apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - name: dns
    port: 80
    protocol: UDP
  - name: metrics
    port: 9090
    protocol: TCP
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: https
    port: 443
    targetPort: 8443
"#,
    );
}

/// volumeClaimTemplates have no strategy: replaced.
#[test]
fn statefulset_claim_templates_are_replaced() {
    check(
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  volumeClaimTemplates: [{metadata: {name: a}, spec: {accessModes: [ReadWriteOnce]}}]
"#,
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  volumeClaimTemplates: [{metadata: {name: b}}]
"#,
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: s
spec:
  volumeClaimTemplates:
  - metadata:
      name: b
"#,
    );
}

/// Ingress rules and tls have no strategy: replaced.
#[test]
fn ingress_rules_are_replaced() {
    check(
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  rules: [{host: a, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}}]
  tls: [{hosts: [a], secretName: s}]
"#,
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  rules: [{host: b}]
  tls: [{hosts: [b]}]
"#,
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
spec:
  rules:
  - host: b
  tls:
  - hosts:
    - b
"#,
    );
}

/// RBAC rules have no strategy: replaced; other fields stay.
#[test]
fn rbac_rules_are_replaced() {
    check(
        r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]
aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}
"#,
        r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [list]}]
"#,
        r#"aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      a: b
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
rules:
- apiGroups:
  - apps
  resources:
  - deployments
  verbs:
  - list
"#,
    );
}

/// A kind without schema: maps merge, lists are replaced as written (nulls and directives inside
/// stay).
#[test]
fn custom_resource_lists_are_replaced_and_maps_merge() {
    check(
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec:
  m: {a: 1, b: 2}
  items: [{name: a, x: 1}, {name: b, x: 2}]
  other: [1, 2]
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec:
  m: {b: null, c: 3}
  items: [{name: c, x: null, $patch: delete}, {$patch: replace}]
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata:
  name: f
spec:
  items:
  - $patch: delete
    name: c
    x: null
  - $patch: replace
  m:
    a: 1
    c: 3
  other:
  - 1
  - 2
"#,
    );
}

/// An object that names a known apiVersion and kind is merged with that kind's schema, at any
/// depth, except inside a replaced list.
#[test]
fn embedded_objects_use_their_own_kind() {
    check(
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec:
  embedded: {apiVersion: apps/v1, kind: Deployment, spec: {template: {spec: {containers: [{name: a, image: a}]}}}}
  list: [{apiVersion: apps/v1, kind: Deployment, spec: {template: {spec: {containers: [{name: a, image: a}]}}}}]
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
spec:
  embedded: {spec: {template: {spec: {containers: [{name: b, image: b}]}}}}
  list: [{apiVersion: apps/v1, kind: Deployment, spec: {template: {spec: {containers: [{name: b, image: b}]}}}}]
"#,
        r#"apiVersion: example.com/v1
kind: Foo
metadata:
  name: f
spec:
  embedded:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - image: b
            name: b
          - image: a
            name: a
  list:
  - apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - image: b
            name: b
"#,
    );
}
