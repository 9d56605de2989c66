//! Generation and absorption rules, with expected values taken from
//! `kubectl kustomize` (kustomize v5.5.0) runs on the same inputs.

use std::path::Path;

use krust_yaml::Value;

use super::*;
use crate::fs::MemFs;
use crate::loader::LoadRestrictor;

mod kubectl;

fn yaml(src: &str) -> Value {
    krust_yaml::load_documents(src).unwrap().remove(0)
}

fn fs(files: &[(&str, &[u8])]) -> MemFs {
    let mut fs = MemFs::new();
    fs.add_dir("/app");
    for (path, content) in files {
        fs.add_file(Path::new("/app").join(path), content.to_vec());
    }
    fs
}

fn run(fs: &MemFs, entry: &str, kind: GeneratorKind) -> Result<Generated> {
    let loader = Loader::open(fs, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
    let args = match kind {
        GeneratorKind::ConfigMap => configmap_args(&yaml(entry)),
        GeneratorKind::Secret => secret_args(&yaml(entry)),
    }
    .unwrap();
    generate(&loader, &args, None)
}

fn cm(fs: &MemFs, entry: &str) -> Generated {
    run(fs, entry, GeneratorKind::ConfigMap).unwrap()
}

fn emit(v: &Value) -> String {
    krust_yaml::to_yaml_string(v).unwrap()
}

/// The object with the hash suffix kustomize would give it, printed.
fn named(g: &Generated) -> String {
    let mut obj = g.obj.clone();
    if g.needs_hash {
        let hash = content_hash(&obj).unwrap();
        let meta = obj.get_mut("metadata").unwrap().as_map_mut().unwrap();
        let name = meta["name"].as_str().unwrap().to_owned();
        meta.insert("name".into(), Value::from(format!("{name}-{hash}")));
    }
    emit(&obj)
}

#[test]
fn literals_as_kubectl_renders_them() {
    let g = cm(
        &fs(&[]),
        "name: foo\nliterals: [a=b, \"c='quoted'\", 'd=\"dq\"', e=, \"weird key!=x\", \"f=\\\"mis'\", \"g='\", h=<&>]\n",
    );
    assert_eq!(
        named(&g),
        "apiVersion: v1\ndata:\n  a: b\n  c: quoted\n  d: dq\n  e: \"\"\n  f: '\"mis'''\n  g: ''''\n  h: <&>\n  weird key!: x\nkind: ConfigMap\nmetadata:\n  name: foo-d2dd658m9t\n"
    );
    assert_eq!(g.behavior, Behavior::Unspecified);
}

#[test]
fn files_envs_and_binary_data() {
    let files: &[(&str, &[u8])] = &[
        (
            "a.env",
            b"\xef\xbb\xbf# comment\n\n  KEY1=val1  \nX=1\nKEY2=\"quoted\"\nKEY3\n\tKEY4=a=b\r\nKEY5=\n",
        ),
        ("bin.dat", b"bin\xff\xfe\x00data"),
        ("text.txt", b"line1\nline2\n"),
    ];
    let g = cm(
        &fs(files),
        "name: foo\nenvs: [a.env]\nfiles: [text.txt, k2=text.txt, bin.dat]\n",
    );
    assert_eq!(
        named(&g),
        "apiVersion: v1\nbinaryData:\n  bin.dat: Ymlu//4AZGF0YQ==\ndata:\n  KEY1: 'val1  '\n  KEY2: '\"quoted\"'\n  KEY3: \"\"\n  KEY4: a=b\n  KEY5: \"\"\n  X: \"1\"\n  k2: |\n    line1\n    line2\n  text.txt: |\n    line1\n    line2\nkind: ConfigMap\nmetadata:\n  name: foo-7hcg7t8kdk\n"
    );
}

#[test]
fn secrets_and_options() {
    let g = run(
        &fs(&[]),
        "name: t\ntype: kubernetes.io/tls\nliterals: [tls.crt=x, tls.key=y]\noptions: {immutable: true, labels: {lx: ly}}\n",
        GeneratorKind::Secret,
    )
    .unwrap();
    assert_eq!(
        named(&g),
        "apiVersion: v1\ndata:\n  tls.crt: eA==\n  tls.key: eQ==\nimmutable: true\nkind: Secret\nmetadata:\n  labels:\n    lx: ly\n  name: t-f4c6k54dt5\ntype: kubernetes.io/tls\n"
    );
    // An empty Secret still has `data: {}` and type Opaque.
    let g = run(&fs(&[]), "name: empty\n", GeneratorKind::Secret).unwrap();
    assert_eq!(
        named(&g),
        "apiVersion: v1\ndata: {}\nkind: Secret\nmetadata:\n  name: empty-46f8b28mk5\ntype: Opaque\n"
    );
    // An empty ConfigMap has no data at all.
    let g = cm(&fs(&[]), "name: a\n");
    assert_eq!(
        named(&g),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-6ct58987ht\n"
    );
    // Long secret values are cut into 70-character base64 lines.
    let g = run(
        &fs(&[("s52", &[b'b'; 52])]),
        "name: s\nfiles: [s52]\n",
        GeneratorKind::Secret,
    )
    .unwrap();
    assert_eq!(
        g.obj.str_at(&["data", "s52"]).unwrap(),
        "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYg\n==\n"
    );
}

#[test]
fn strings_stay_strings() {
    let g = cm(
        &fs(&[]),
        "name: \"123\"\nnamespace: \"456\"\nliterals: [\"a=1\", \"b=true\", \"c=null\"]\noptions: {labels: {l: \"true\"}, annotations: {a: \"1.5\"}, disableNameSuffixHash: true}\n",
    );
    assert!(!g.needs_hash);
    assert_eq!(
        named(&g),
        "apiVersion: v1\ndata:\n  a: \"1\"\n  b: \"true\"\n  c: \"null\"\nkind: ConfigMap\nmetadata:\n  annotations:\n    a: \"1.5\"\n  labels:\n    l: \"true\"\n  name: \"123\"\n  namespace: \"456\"\n"
    );
}

#[test]
fn global_options_merge_under_local_ones() {
    let loader_fs = fs(&[]);
    let loader = Loader::open(&loader_fs, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
    let global = generator_options(&yaml(
        "labels: {a: global, b: global}\nannotations: {n: g}\nimmutable: true\n",
    ))
    .unwrap();
    let args = configmap_args(&yaml(
        "name: x\nliterals: [k=v]\noptions: {labels: {a: local}, disableNameSuffixHash: true}\n",
    ))
    .unwrap();
    let g = generate(&loader, &args, Some(&global)).unwrap();
    assert!(!g.needs_hash);
    assert_eq!(
        emit(&g.obj),
        "apiVersion: v1\ndata:\n  k: v\nimmutable: true\nkind: ConfigMap\nmetadata:\n  annotations:\n    \"n\": g\n  labels:\n    a: local\n    b: global\n  name: x\n"
    );
    let global = generator_options(&yaml("disableNameSuffixHash: true\n")).unwrap();
    let args = configmap_args(&yaml("name: x\n")).unwrap();
    assert!(!generate(&loader, &args, Some(&global)).unwrap().needs_hash);
    assert!(generate(&loader, &args, None).unwrap().needs_hash);
}

/// kubectl renders these after its configuration round trip.
#[test]
fn nel_folds_in_configuration() {
    let args = |entry: &str| configmap_args(&yaml(entry)).unwrap();
    let folded = configure(
        &args("name: \"a\\x85b\"\nnamespace: \"x\\x85\"\nfiles: [\"k\\x85=t\"]\nliterals: [\"k=\\x85\", \"l=a\\x85\\x85b\", \"m= \\x85a\", \"n=a \\x85 \\x85\\x85 b\", \"o=a\\u2028b\", \"p=\\x85\\x85\"]\noptions: {labels: {l: \"a\\x85 b\"}}\n"),
        None,
    )
    .unwrap();
    assert_eq!(folded.name, "a b");
    assert_eq!(folded.namespace, "x ");
    assert_eq!(folded.files, ["k =t"]);
    assert_eq!(
        folded.literals,
        ["k= ", "l=a\nb", "m= a", "n=a\n\nb", "o=a\u{2028}b", "p=\n"]
    );
    assert_eq!(folded.options.unwrap().labels["l"], "a b");
    assert_eq!(
        configure(
            &args("name: a\noptions: {labels: {\"a\\x85b\": v}}\n"),
            None
        )
        .unwrap_err()
        .message(),
        "builtin ConfigMapGenerator marshal: yaml: line 1: did not find expected ',' or '}'"
    );
    assert_eq!(
        configure(
            &args("name: \"a\\x85\"\noptions: {annotations: {\"\\x85\": v}}\n"),
            None
        )
        .unwrap_err()
        .message(),
        "builtin ConfigMapGenerator marshal: yaml: line 2: did not find expected ',' or '}'"
    );
}

#[test]
fn behaviors() {
    let b = |s: &str| cm(&fs(&[]), &format!("name: x\nbehavior: {s}\n")).behavior;
    assert_eq!(b("merge"), Behavior::Merge);
    assert_eq!(b("replace"), Behavior::Replace);
    assert_eq!(b("create"), Behavior::Create);
    // kubectl accepts anything else silently, as create.
    assert_eq!(b("Merge"), Behavior::Unspecified);
    assert_eq!(b("bogus"), Behavior::Unspecified);
}

#[test]
fn generation_errors_use_kustomize_wording() {
    let files: &[(&str, &[u8])] = &[
        ("bin.dat", b"bin\xff\xfe\x00data"),
        ("text.txt", b"x"),
        ("d/f", b"x"),
    ];
    let mut tree = fs(files);
    tree.add_file("/outside.txt", "x");
    let err = |entry: &str| {
        run(&tree, entry, GeneratorKind::ConfigMap)
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert_eq!(
        err("name: foo\nliterals: [\"=x\"]"),
        "loading KV pairs: literal sources [=x]: invalid literal source =x, expected key=value"
    );
    assert_eq!(
        err("name: foo\nliterals: [null, x=y]"),
        "loading KV pairs: literal sources [ x=y]: invalid literal source , expected key=value"
    );
    assert_eq!(
        err("name: foo\nfiles: [\"=x\"]"),
        "loading KV pairs: file sources: [=x]: missing key name for file path \"x\" in source \"=x\""
    );
    assert_eq!(
        err("name: foo\nfiles: [a=b=c]"),
        "loading KV pairs: file sources: [a=b=c]: source \"a=b=c\" key name or file path contains '='"
    );
    assert_eq!(
        err("name: foo\nenvs: [bin.dat]"),
        "loading KV pairs: env source files: [bin.dat]: line [98 105 110 255 254 0 100 97 116 97] has invalid utf8 bytes : bin\u{fffd}\u{fffd}\u{0}data"
    );
    assert_eq!(
        err("name: foo\nliterals: [a=1, a=2]"),
        "configmap foo illegally repeats the key `a`"
    );
    assert_eq!(
        err("name: foo\nliterals: [text.txt=1]\nfiles: [text.txt]"),
        "configmap foo illegally repeats the key `text.txt`"
    );
    assert_eq!(err("literals: [a=b]"), "a configmap must have a name");
    assert_eq!(
        run(&tree, "literals: [a=b]", GeneratorKind::Secret)
            .unwrap_err()
            .message(),
        "a configmap must have a name"
    );
    assert_eq!(
        err("name: a\nliterals: [\"k=\\x7f\"]"),
        "builtin ConfigMapGenerator marshal: yaml: control characters are not allowed"
    );
    assert_eq!(
        run(&tree, "name: \"a\\uffff\"", GeneratorKind::Secret)
            .unwrap_err()
            .message(),
        "builtin SecretGenerator marshal: yaml: control characters are not allowed"
    );
    // Files are read under the load restrictor and errors name them.
    let e = run(
        &tree,
        "name: a\nfiles: [../outside.txt]",
        GeneratorKind::ConfigMap,
    )
    .unwrap_err();
    assert!(
        e.message()
            .starts_with("loading KV pairs: file sources: [../outside.txt]: security; file"),
        "{e}"
    );
    let e = run(
        &tree,
        "name: a\nfiles: [missing.txt]",
        GeneratorKind::ConfigMap,
    )
    .unwrap_err();
    assert_eq!(e.file(), Some(Path::new("/app/missing.txt")));
    assert!(
        e.message()
            .starts_with("loading KV pairs: file sources: [missing.txt]: "),
        "{e}"
    );
    let e = run(&tree, "name: a\nfiles: [d]", GeneratorKind::ConfigMap).unwrap_err();
    assert!(e.message().contains("must resolve to a file"), "{e}");
    let e = run(
        &tree,
        "name: a\nenvs: [missing.env]",
        GeneratorKind::ConfigMap,
    )
    .unwrap_err();
    assert!(
        e.message()
            .starts_with("loading KV pairs: env source files: [missing.env]: "),
        "{e}"
    );
}

fn res(src: &str) -> Resource {
    Resource::new(yaml(src))
}

fn generated(entry: &str) -> Generated {
    cm(&fs(&[]), entry)
}

#[test]
fn targets_are_found_by_any_id() {
    let mut base = res("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hashed}\n");
    base.store_previous_id();
    base.obj_mut()
        .get_mut("metadata")
        .unwrap()
        .as_map_mut()
        .unwrap()
        .insert("name".into(), Value::from("b-hashed"));
    base.refresh_id();
    let other = res("apiVersion: v1\nkind: Secret\nmetadata: {name: hashed}\n");
    let list = [other, base];
    let merge = generated("name: hashed\nbehavior: merge\n");
    assert_eq!(find_target(&list, &merge).ok(), Some(Some(1)));
    // by the current name too, and `default` equals no namespace
    let replace = generated("name: b-hashed\nnamespace: default\nbehavior: replace\n");
    assert_eq!(find_target(&list, &replace).ok(), Some(Some(1)));
    assert_eq!(
        find_target(&list, &generated("name: hashed\n")).unwrap_err().message(),
        "id resid.ResId{Gvk:resid.Gvk{Group:\"\", Version:\"v1\", Kind:\"ConfigMap\", isClusterScoped:false}, Name:\"hashed\", Namespace:\"\"} exists; behavior must be merge or replace"
    );
    assert_eq!(
        find_target(&list, &generated("name: x\nbehavior: merge\n")).unwrap_err().message(),
        "id resid.ResId{Gvk:resid.Gvk{Group:\"\", Version:\"v1\", Kind:\"ConfigMap\", isClusterScoped:false}, Name:\"x\", Namespace:\"\"} does not exist; cannot merge or replace"
    );
    assert_eq!(
        find_target(&list, &generated("name: new\n")).ok(),
        Some(None)
    );
    assert_eq!(
        find_target(&list, &generated("name: hashed\nnamespace: other\nbehavior: merge\n"))
            .unwrap_err()
            .message(),
        "id resid.ResId{Gvk:resid.Gvk{Group:\"\", Version:\"v1\", Kind:\"ConfigMap\", isClusterScoped:false}, Name:\"hashed\", Namespace:\"other\"} does not exist; cannot merge or replace"
    );
    let twice = [
        res("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
        res("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n"),
    ];
    assert!(
        find_target(&twice, &generated("name: x\nbehavior: merge\n"))
            .unwrap_err()
            .message()
            .starts_with("found multiple objects")
    );
}

/// The overlay of the kubectl run in the module docs: base generators
/// prefixed `b-`, overlay generators merging and replacing them.
#[test]
fn merge_and_replace_as_kubectl_renders_them() {
    let mut old = yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-hashed\n  labels: {l1: base, l2: base}\n  annotations: {a1: base}\ndata: {a: \"1\", b: \"2\"}\n",
    );
    let new = generated(
        "name: hashed\nbehavior: merge\nliterals: [b=3, c=4]\noptions: {labels: {l2: ov}, annotations: {a2: ov}}\n",
    );
    merge_into(&mut old, &new.obj, Behavior::Merge).unwrap();
    assert_eq!(
        emit(&old),
        "apiVersion: v1\ndata:\n  a: \"1\"\n  b: \"3\"\n  c: \"4\"\nkind: ConfigMap\nmetadata:\n  annotations:\n    a1: base\n    a2: ov\n  labels:\n    l1: base\n    l2: ov\n  name: b-hashed\n"
    );
    assert_eq!(content_hash(&old).unwrap(), "fbcmkbc66h");

    // A plain resource: its other fields go, its values become strings.
    let mut plain = yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-plain\n  labels: {p: q}\n  annotations: {x: \"y\"}\ndata:\n  k: v\n  n: 1\nother: field\n",
    );
    let new = generated("name: plain\nbehavior: merge\nliterals: [c=1]\n");
    merge_into(&mut plain, &new.obj, Behavior::Merge).unwrap();
    assert_eq!(
        emit(&plain),
        "apiVersion: v1\ndata:\n  c: \"1\"\n  k: v\n  \"n\": \"1\"\nkind: ConfigMap\nmetadata:\n  annotations:\n    x: \"y\"\n  labels:\n    p: q\n  name: b-plain\n"
    );

    // replace: metadata merged, data only the generator's
    let mut torep = yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-torep\n  labels: {keep: me}\ndata: {a: \"1\", z: \"9\"}\n",
    );
    let new = generated(
        "name: torep\nbehavior: replace\nliterals: [r=1]\noptions: {labels: {new: one}}\n",
    );
    merge_into(&mut torep, &new.obj, Behavior::Replace).unwrap();
    assert_eq!(
        emit(&torep),
        "apiVersion: v1\ndata:\n  r: \"1\"\nkind: ConfigMap\nmetadata:\n  labels:\n    keep: me\n    new: one\n  name: b-torep\n"
    );
    assert_eq!(content_hash(&torep).unwrap(), "4ggmdm92bt");

    // A Secret merged: type and immutable come from the generator.
    let mut tls = yaml(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: b-tls}\ntype: kubernetes.io/tls\nimmutable: true\ndata: {tls.crt: MQ==, tls.key: Mg==}\n",
    );
    let new = run(
        &fs(&[]),
        "name: tls\nbehavior: merge\nliterals: [extra=x]\n",
        GeneratorKind::Secret,
    )
    .unwrap();
    merge_into(&mut tls, &new.obj, Behavior::Merge).unwrap();
    assert_eq!(
        emit(&tls),
        "apiVersion: v1\ndata:\n  extra: eA==\n  tls.crt: MQ==\n  tls.key: Mg==\nkind: Secret\nmetadata:\n  name: b-tls\ntype: Opaque\n"
    );
    assert_eq!(content_hash(&tls).unwrap(), "5h7m557m6b");

    // The old name and namespace stay; an empty merge leaves no data.
    let mut ns = yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {}\n");
    let new = run(
        &fs(&[]),
        "name: s\nnamespace: default\nbehavior: merge\n",
        GeneratorKind::Secret,
    )
    .unwrap();
    merge_into(&mut ns, &new.obj, Behavior::Merge).unwrap();
    assert_eq!(
        emit(&ns),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n"
    );
    assert!(merge_into(&mut ns, &new.obj, Behavior::Create).is_err());
}

/// The objects of the golden fixture `crates/krust/tests/golden/generators`, generated,
/// absorbed and hashed by this module alone, equal what kubectl printed.
#[test]
fn golden_fixture_objects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/generators");
    let expected: Vec<Value> =
        krust_yaml::load_documents(&std::fs::read_to_string(root.join("expected.yaml")).unwrap())
            .unwrap();
    let top = Loader::open(&crate::fs::DiskFs, &root, LoadRestrictor::RootOnly).unwrap();
    let base = top.child("base").unwrap();
    let kust = |loader: &Loader| {
        let text = std::fs::read_to_string(loader.root().join("kustomization.yaml")).unwrap();
        krust_yaml::load_documents(&text).unwrap().remove(0)
    };
    let run_all = |loader: &Loader, prefix: &str, acc: &mut Vec<(Resource, bool)>| {
        let k = kust(loader);
        let global = generator_options(k.get("generatorOptions").unwrap_or(&Value::Null)).unwrap();
        let null = Value::Null;
        let mut entries =
            configmap_generators(k.get("configMapGenerator").unwrap_or(&null)).unwrap();
        entries.extend(secret_generators(k.get("secretGenerator").unwrap_or(&null)).unwrap());
        let configured: Vec<GeneratorArgs> = entries
            .iter()
            .map(|a| configure(a, Some(&global)).unwrap())
            .collect();
        for args in &configured {
            let g = generate_configured(loader, args).unwrap();
            let resources: Vec<Resource> = acc.iter().map(|(r, _)| r.clone()).collect();
            match find_target(&resources, &g).unwrap() {
                None => acc.push((Resource::new(g.obj.clone()), g.needs_hash)),
                Some(i) => {
                    let (res, needs_hash) = &mut acc[i];
                    merge_into(res.obj_mut(), &g.obj, g.behavior).unwrap();
                    res.refresh_id();
                    *needs_hash &= g.needs_hash;
                }
            }
        }
        // namePrefix, remembering the old id
        for (res, _) in acc.iter_mut() {
            res.store_previous_id();
            let name = format!("{prefix}{}", res.id().name);
            res.obj_mut()
                .get_mut("metadata")
                .unwrap()
                .as_map_mut()
                .unwrap()
                .insert("name".into(), Value::from(name));
            res.refresh_id();
        }
    };
    let mut acc = Vec::new();
    run_all(&base, "base-", &mut acc);
    run_all(&top, "prod-", &mut acc);
    assert_eq!(acc.len(), 6);
    for (res, needs_hash) in acc {
        let mut obj = res.obj().clone();
        if needs_hash {
            let hash = content_hash(&obj).unwrap();
            let name = format!("{}-{hash}", res.id().name);
            obj.get_mut("metadata")
                .unwrap()
                .as_map_mut()
                .unwrap()
                .insert("name".into(), Value::from(name));
        }
        let name = obj.str_at(&["metadata", "name"]).unwrap();
        let want = expected
            .iter()
            .find(|d| d.str_at(&["metadata", "name"]) == Some(name))
            .unwrap_or_else(|| panic!("{name} not in expected.yaml"));
        assert_eq!(&obj, want, "{name}");
    }
}
