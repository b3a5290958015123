//! Tests of `cargo xtask codegen`: fixture snapshots, bad-spec diagnostics, the IR of the real spec, staleness and determinism.

use std::{fs, path::Path};

use codegen_tests::{fixtures, root};
use xtask::codegen::{
    self, Mode, diagnostic::Diagnostics, emit_client, emit_types, emit_validator, outline::outline,
};

/// Every fixture: the outline of its IR and the types and validator generated from it; with an
/// operations file next to it, the client too. (The package `codegen-compiled` compiles all
/// three for every fixture, with warnings denied.)
#[test]
fn fixtures_generate_the_expected_code() {
    insta::glob!("fixtures/*.schema.json", |path| {
        let (name, text) = read(path);
        let operations = path.with_file_name(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".schema.json", ".operations.json"),
        );
        let api = if operations.exists() {
            let (operations_name, operations_text) = read(&operations);
            codegen::lower_texts(&name, &text, &operations_name, &operations_text)
        } else {
            codegen::lower_schema_text(&name, &text)
        }
        .unwrap_or_else(|err| panic!("{name} does not lower:\n{err}"));
        insta::assert_snapshot!("outline", outline(&api));
        let tokens = emit_types::emit(&api).unwrap_or_else(|err| panic!("{name}: {err}"));
        insta::assert_snapshot!("types", codegen::render(tokens, &[&name]).unwrap());
        let tokens = emit_validator::emit(&api).unwrap_or_else(|err| panic!("{name}: {err}"));
        insta::assert_snapshot!("validator", codegen::render(tokens, &[&name]).unwrap());
        if operations.exists() {
            let tokens = emit_client::emit(&api).unwrap_or_else(|err| panic!("{name}: {err}"));
            insta::assert_snapshot!("client", codegen::render(tokens, &[&name]).unwrap());
        }
    });
}

/// Issue 17: spec text is data. `hostile-text` writes Rust code (each a `compile_error!` with a
/// name) where Markdown would make it a code block: fenced, indented, in a list item and a
/// quote, unclosed, in a pattern, an example, a property name, an operation's summary and
/// description, a header's and a query parameter's description and an error type's message
/// (and a response's description, which the client does not write when the operation has one
/// 2xx answer). In the generated types, validator and client every one of them is inert: in
/// a `text` block (shown, never compiled) or a code span, and no doc comment holds a code block
/// rustdoc would run. (`codegen-compiled` compiles this fixture's code, and `cargo test` runs
/// its doctests: there are none.)
#[test]
fn spec_text_never_becomes_a_doctest() {
    let fixtures = fixtures();
    let (name, text) = read(&fixtures.join("hostile-text.schema.json"));
    let (operations_name, operations) = read(&fixtures.join("hostile-text.operations.json"));
    let api = codegen::lower_texts(&name, &text, &operations_name, &operations).unwrap();
    let outputs = [
        emit_types::emit(&api).unwrap(),
        emit_validator::emit(&api).unwrap(),
        emit_client::emit(&api).unwrap(),
    ];
    let mut text_blocks = String::new();
    let mut rendered = String::new();
    for tokens in outputs {
        let file: syn::File = syn::parse2(tokens.clone()).unwrap();
        for (info, content) in codegen::rustdoc::code_blocks(&file) {
            assert_eq!(info, "text", "a code block rustdoc would run:\n{content}");
            text_blocks.push_str(&content);
        }
        rendered.push_str(&codegen::render(tokens, &[&name]).unwrap());
    }
    let traps = [
        "fenced",
        "indented",
        "list item",
        "quote",
        "unclosed fence",
        "pattern",
        "example",
        "property",
        "summary",
        "description",
        "tilde fence",
        "header",
        "query parameter",
        "error type",
    ];
    for trap in traps {
        let marker = format!("spec text ran as a doctest: {trap}");
        assert!(
            rendered.contains(&marker),
            "{trap} is missing from the docs"
        );
    }
    // The fenced and indented blocks of descriptions are kept, as text.
    for trap in [
        "fenced",
        "indented",
        "unclosed fence",
        "description",
        "tilde fence",
    ] {
        let marker = format!("spec text ran as a doctest: {trap}");
        assert!(text_blocks.contains(&marker), "{trap} is not a text block");
    }
    // No raw control character or direction override reaches the generated code.
    assert!(!rendered.contains(['\r', '\u{1b}', '\u{202e}']));
}

/// Every broken schema fixture: all of its problems, each located, whether `lower` finds them
/// or the emitters do.
#[test]
fn broken_specs_give_located_diagnostics() {
    insta::glob!("fixtures/errors/*.schema.json", |path| {
        let (name, text) = read(path);
        let err = codegen::check_schema_text(&name, &text).expect_err("a broken fixture passes");
        assert_located(&err);
        insta::assert_snapshot!("diagnostics", err.to_string());
    });
}

/// Every broken operations fixture, checked against the real schema: all of its problems,
/// each located.
#[test]
fn broken_operations_give_located_diagnostics() {
    let schema = fs::read_to_string(root().join("spec/order-api.schema.json")).unwrap();
    insta::glob!("fixtures/errors/*.operations.json", |path| {
        let (name, text) = read(path);
        let err = codegen::lower_texts("spec/order-api.schema.json", &schema, &name, &text)
            .expect_err("a broken fixture lowers");
        assert_located(&err);
        assert!(
            err.0.iter().all(|it| it.file == name),
            "the real schema has problems:\n{err}"
        );
        insta::assert_snapshot!("diagnostics", err.to_string());
    });
}

/// Every diagnostic has a line and column, and all but a syntax error a JSON pointer.
#[track_caller]
fn assert_located(err: &Diagnostics) {
    for diagnostic in &err.0 {
        assert!(
            diagnostic.position.is_some(),
            "{diagnostic} has no line and column"
        );
        assert!(
            diagnostic.pointer.is_some() || diagnostic.message.starts_with("invalid JSON"),
            "{diagnostic} has no JSON pointer"
        );
    }
}

fn read(path: &Path) -> (String, String) {
    let name = format!(
        "tests/fixtures/{}",
        path.strip_prefix(fixtures()).unwrap().display()
    );
    (name, fs::read_to_string(path).unwrap())
}

/// The IR of the real spec, outlined: a spec change shows up here as a short semantic diff.
#[test]
fn real_spec_outline() {
    let sources = codegen::load::load(&root()).expect("the spec loads");
    let (api, diagnostics) = codegen::lower::lower(&sources);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    insta::assert_snapshot!("real_spec_outline", outline(&api));
}

/// The checked-in generated files are what the spec generates.
#[test]
fn generated_files_are_up_to_date() {
    if let Err(err) = codegen::run(&root(), Mode::Check) {
        panic!("{err}");
    }
}

/// Copies the spec and the generated files of the workspace into a temporary root.
fn scratch_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = codegen::generate(&root()).expect("the real spec generates");
    for relative in ["spec/order-api.schema.json", "spec/operations.json"]
        .into_iter()
        .map(str::to_owned)
        .chain(files.into_iter().map(|it| it.path))
    {
        let target = dir.path().join(&relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(root().join(&relative), target).unwrap();
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} is not unique in {}",
        path.display()
    );
    fs::write(path, text.replace(from, to)).unwrap();
}

/// Changing one bound makes `--check` fail with a diff that shows the change and the fix
/// command; regenerating makes it pass again.
#[test]
fn a_changed_bound_is_caught_by_check_and_fixed_by_codegen() {
    let dir = scratch_copy();
    let root = dir.path();
    codegen::run(root, Mode::Check).expect("a fresh copy is up to date");
    edit(
        &root.join("spec/order-api.schema.json"),
        "\"maxLength\": 128",
        "\"maxLength\": 120",
    );

    let err = codegen::run(root, Mode::Check)
        .expect_err("the change is noticed")
        .to_string();
    assert!(
        err.contains("error: crates/runa-order-types/src/generated.rs is out of date with spec/"),
        "{err}"
    );
    assert!(
        err.contains("-        if value.chars().count() > 128usize {"),
        "{err}"
    );
    assert!(
        err.contains("+        if value.chars().count() > 120usize {"),
        "{err}"
    );
    assert!(
        err.ends_with("run `cargo xtask codegen` and commit the result"),
        "{err}"
    );

    let report = codegen::run(root, Mode::Write).unwrap();
    assert_eq!(
        report,
        "updated crates/runa-order-types/src/generated.rs\nupdated crates/runa-order-validator/src/generated.rs\nupdated openapi/runa-order-api.json\n"
    );
    codegen::run(root, Mode::Check).expect("up to date after regenerating");
    assert!(
        fs::read_to_string(root.join("crates/runa-order-types/src/generated.rs"))
            .unwrap()
            .contains("> 120usize")
    );
}

/// A broken spec gives every problem with its place, and no generated file is touched.
#[test]
fn a_broken_spec_reports_everything_and_writes_nothing() {
    let dir = scratch_copy();
    let root = dir.path();
    let generated = root.join("crates/runa-order-types/src/generated.rs");
    let before = fs::read(&generated).unwrap();
    let modified = fs::metadata(&generated).unwrap().modified().unwrap();

    let schema = root.join("spec/order-api.schema.json");
    edit(
        &schema,
        "\"$ref\": \"#/$defs/PayoutStatus\"",
        "\"$ref\": \"#/$defs/PayoutState\"",
    );
    edit(&schema, "\"type\": \"integer\"", "\"type\": \"integr\"");
    edit(&schema, "\"maxLength\": 255", "\"maxLenght\": 255");
    edit(
        &root.join("spec/operations.json"),
        "\"request_body\": \"OrderPriceRequest\"",
        "\"request_body\": \"OrderPriceRequests\"",
    );

    let err = codegen::run(root, Mode::Write)
        .expect_err("the spec is broken")
        .to_string();
    let expected = [
        "error: spec/operations.json:162:7: #/operations/3/request_body: there is no schema `OrderPriceRequests` in `$defs` of order-api.schema.json; did you mean `OrderPriceRequest`?",
        "#/$defs/RecipientReference/maxLenght: unknown keyword `maxLenght`; did you mean `maxLength`?",
        "#/$defs/PayoutDetails/properties/status/$ref: dangling `$ref` \"#/$defs/PayoutState\": there is no definition `PayoutState`; did you mean `PayoutStatus`?",
        "#/$defs/Page/properties/limit/type: unknown type \"integr\"; did you mean \"integer\"?",
        "4 errors in the spec; no generated file was written",
    ];
    for line in expected {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    assert!(
        err.lines()
            .filter(|it| it.starts_with("error: spec/order-api.schema.json:"))
            .count()
            == 3,
        "{err}"
    );
    assert_eq!(fs::read(&generated).unwrap(), before);
    assert_eq!(
        fs::metadata(&generated).unwrap().modified().unwrap(),
        modified
    );

    // Invalid JSON is located too, and still nothing is written.
    fs::write(
        &schema,
        "{\n  \"$defs\": {\n    \"A\": { \"type\": \"string\" }\n  \n",
    )
    .unwrap();
    let err = codegen::run(root, Mode::Write)
        .expect_err("not JSON")
        .to_string();
    assert!(
        err.starts_with(
            "error: spec/order-api.schema.json:5:0: invalid JSON: EOF while parsing an object"
        ),
        "{err}"
    );
    assert_eq!(fs::read(&generated).unwrap(), before);
}

/// Writing is all or nothing: when the second generated file cannot be written, the first is
/// not replaced either, and the error says which file and why (issue 9, item 20).
#[test]
fn a_file_that_cannot_be_written_leaves_every_file_as_it_was() {
    let dir = scratch_copy();
    let root = dir.path();
    let generated = [
        "crates/runa-order-types/src/generated.rs",
        "crates/runa-order-validator/src/generated.rs",
        "crates/runa-order-client/src/generated.rs",
        "openapi/runa-order-api.json",
    ];
    let before: Vec<Vec<u8>> = generated
        .iter()
        .map(|it| fs::read(root.join(it)).unwrap())
        .collect();
    // A change that regenerates the types, the validator and the OpenAPI document.
    edit(
        &root.join("spec/order-api.schema.json"),
        "\"maxLength\": 128",
        "\"maxLength\": 120",
    );
    // A directory where the validator's temporary file would be written.
    let blocker = root.join("crates/runa-order-validator/src/generated.rs.tmp");
    fs::create_dir(&blocker).unwrap();

    let err = codegen::run(root, Mode::Write)
        .expect_err("the second file cannot be written")
        .to_string();
    assert!(
        err.starts_with(&format!("cannot write {}: ", blocker.display())),
        "{err}"
    );
    assert!(err.contains("Is a directory (os error 21)"), "{err}");
    assert!(err.ends_with("; no generated file was changed"), "{err}");
    for (path, old) in generated.iter().zip(&before) {
        assert!(fs::read(root.join(path)).unwrap() == *old, "{path} changed");
    }
    for dir in ["crates/runa-order-types/src", "openapi"] {
        let leftovers: Vec<_> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|it| it.unwrap().file_name())
            .filter(|it| it.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{dir}: {leftovers:?}");
    }

    // Once the way is clear, the three files are written.
    fs::remove_dir(&blocker).unwrap();
    let report = codegen::run(root, Mode::Write).unwrap();
    assert_eq!(
        report,
        "updated crates/runa-order-types/src/generated.rs\nupdated crates/runa-order-validator/src/generated.rs\nupdated openapi/runa-order-api.json\n"
    );
}

/// Issue 9, item 19: 5,000 `$defs` took 5 min 16 s and 3 GB to load and lower, most of it
/// spent counting newlines for every position. Positions come from a line index now, so the
/// whole spec lowers at once, and a mistake in its last definition is still reported at its
/// exact line and column.
#[test]
fn a_spec_with_5000_definitions_lowers_and_locates_its_last_mistake() {
    let n = 5_000;
    let text = xtask::synthetic::schema(n);
    let api = codegen::lower_schema_text("synthetic.schema.json", &text)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(api.definitions.len(), n);

    // A misspelt type in the definition written last in the file.
    let last = text.rfind("\"description\": \"Status ").unwrap();
    let at = last + text[last..].find("\"string\"").unwrap();
    let broken = format!(
        "{}\"strng\"{}",
        &text[..at],
        &text[at + "\"string\"".len()..]
    );
    // Diagnostics about a member point at its key.
    let key = text[..at].rfind("\"type\"").unwrap();
    let line = text[..key].matches('\n').count() + 1;
    let column = key - text[..key].rfind('\n').unwrap();
    let err = codegen::lower_schema_text("synthetic.schema.json", &broken).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert_eq!(
        err.0[0].position,
        Some(xtask::codegen::diagnostic::Position { line, column }),
        "{err}"
    );
    assert!(
        err.0[0].message.starts_with("unknown type \"strng\""),
        "{err}"
    );
}

/// Definitions that each combine the next two, `depth` levels deep, over an object and a
/// number (or two objects for `allOf`).
fn doubling_chain(keyword: &str, depth: usize) -> String {
    let mut defs = serde_json::Map::new();
    for i in 0..depth {
        for side in ["A", "B"] {
            defs.insert(
                format!("Chain{side}{i}"),
                serde_json::json!({ keyword: [
                    {"$ref": format!("#/$defs/ChainA{}", i + 1)},
                    {"$ref": format!("#/$defs/ChainB{}", i + 1)}
                ]}),
            );
        }
    }
    defs.insert(
        format!("ChainA{depth}"),
        serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}}),
    );
    let last = if keyword == "allOf" {
        serde_json::json!({"type": "object", "properties": {"b": {"type": "number"}}})
    } else {
        serde_json::json!({"type": "number"})
    };
    defs.insert(format!("ChainB{depth}"), last);
    serde_json::to_string_pretty(&serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs
    }))
    .unwrap()
}

/// A chain of `anyOf`s whose branches refer to the next level twice made the validator's
/// emitter ask each level's branches again for every path: time doubled per level (16 levels
/// took 1.8 s in a debug build), so 40 levels would take days. It is asked once per node now.
#[test]
fn a_deep_chain_of_any_of_generates() {
    let text = doubling_chain("anyOf", 40);
    codegen::check_schema_text("chain.schema.json", &text).unwrap_or_else(|err| panic!("{err}"));
}

/// The same chain through `allOf` is exponential in typify itself, which merges every branch it
/// reaches: such a definition is refused where it first expands past the bound.
#[test]
fn a_deep_chain_of_all_of_is_refused_where_it_grows_too_large() {
    let text = doubling_chain("allOf", 40);
    let err = codegen::check_schema_text("chain.schema.json", &text).unwrap_err();
    assert_located(&err);
    let pointers: Vec<&str> = err
        .0
        .iter()
        .filter_map(|it| it.pointer.as_deref())
        .collect();
    assert_eq!(pointers, ["#/$defs/ChainA28", "#/$defs/ChainB28"], "{err}");
    assert!(
        err.0[0]
            .message
            .starts_with("this definition expands to 16381 schemas through `allOf` and `$ref`, more than the 10000"),
        "{err}"
    );
}

fn one_definition(schema: serde_json::Value) -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": { "Only": schema }
    })
    .to_string()
}

/// An `enum` of 200,000 values (and a repeated one at the end) is checked in linear time: the
/// repeated-value check compared each value with all before it.
#[test]
fn a_long_enum_is_checked_in_linear_time() {
    let mut values: Vec<String> = (0..200_000).map(|i| format!("V{i}")).collect();
    values.push("V7".to_owned());
    let text = one_definition(serde_json::json!({"type": "string", "enum": values}));
    let err = codegen::lower_schema_text("long-enum.schema.json", &text).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert_eq!(
        err.0[0].pointer.as_deref(),
        Some("#/$defs/Only/enum/200000")
    );
    assert_eq!(err.0[0].message, "`enum` lists \"V7\" twice");
}

/// The validator tracks the required members of an object schema in a 64-bit mask: more than
/// 64 made the generator panic (a shift overflow); now it is a located limit.
#[test]
fn more_than_64_required_names_are_refused_with_their_place() {
    let names: Vec<String> = (0..65).map(|i| format!("f{i}")).collect();
    let properties: serde_json::Map<String, serde_json::Value> = names
        .iter()
        .map(|it| (it.clone(), serde_json::json!({"type": "string"})))
        .collect();
    let text = one_definition(
        serde_json::json!({"type": "object", "properties": properties, "required": names}),
    );
    let err = codegen::check_schema_text("wide.schema.json", &text).unwrap_err();
    assert_located(&err);
    assert_eq!(err.0.len(), 1, "{err}");
    assert_eq!(
        err.0[0].pointer.as_deref(),
        Some("#/$defs/Only/required/64")
    );
    // 64 is fine, and generates.
    let text = one_definition(serde_json::json!({
        "type": "object", "properties": properties, "required": &names[..64]
    }));
    codegen::check_schema_text("wide.schema.json", &text).unwrap_or_else(|err| panic!("{err}"));
}

/// Thousands of dangling references are each reported, the first hundred with a "did you
/// mean" (a hint compares a name with every definition).
#[test]
fn thousands_of_dangling_references_are_reported_in_linear_time() {
    let n = 5_000;
    let mut defs = serde_json::Map::new();
    for i in 0..n {
        defs.insert(
            format!("Thing{i}"),
            serde_json::json!({"type": "object", "properties": {"next": {"$ref": format!("#/$defs/Thimg{i}")}}}),
        );
    }
    let text = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs
    })
    .to_string();
    let err = codegen::lower_schema_text("dangling.schema.json", &text).unwrap_err();
    assert_eq!(err.0.len(), n);
    assert_located(&err);
    let hinted = err
        .0
        .iter()
        .filter(|it| it.message.contains("did you mean"))
        .count();
    assert_eq!(hinted, 100);
}

/// The same spec gives byte-identical files, run after run and wherever the workspace is.
#[test]
fn generation_is_deterministic() {
    let first = codegen::generate(&root()).unwrap();
    let second = codegen::generate(&root()).unwrap();
    assert_eq!(first, second);
    let copy = scratch_copy();
    assert_eq!(codegen::generate(copy.path()).unwrap(), first);
}

/// Every snapshot belongs to a fixture or a test that still exists.
#[test]
fn no_orphan_snapshots() {
    let snapshots = root().join("tests/snapshots");
    for entry in fs::read_dir(&snapshots).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        // Only accepted snapshots count: insta's pending `.snap.new` files, and the temporary
        // files it writes while updating a snapshot, belong to `cargo insta review`.
        if name == "codegen__real_spec_outline.snap"
            || !name.ends_with(".snap")
            || name.starts_with('.')
        {
            continue;
        }
        let fixture = name
            .split_once('@')
            .map(|(_, it)| it.trim_end_matches(".snap"))
            .unwrap_or_else(|| panic!("unexpected snapshot {name}"));
        let dir = if name.starts_with("codegen__diagnostics@") {
            fixtures().join("errors")
        } else {
            fixtures()
        };
        assert!(
            dir.join(fixture).exists(),
            "{name} has no fixture {}",
            dir.join(fixture).display()
        );
    }
}
