//! The operations lowerer's checks of what the client emitter turns into code: header names
//! and values HTTP can carry, paths split into literal text and placeholders, and Rust names
//! that are identifiers, distinct within their scope.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    super::{
        ir::{Http, Parameter, ParameterLocation, PathPart, Response},
        keywords as kw, names,
    },
    operations::OperationsLowerer,
    read::{Reader, describe},
};

impl OperationsLowerer<'_> {
    /// Refuses a header name that is not an HTTP token (RFC 9110), such as one with a line
    /// break: the client could never send it.
    pub(super) fn header_name(&mut self, name: &str, at: &str) {
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            self.r.error(
                at,
                format!(
                    "{} is not an HTTP header name: a header name is one or more letters, digits \
                     or `!#$%&'*+-.^_`|~` (RFC 9110)",
                    describe(&Value::String(name.to_owned()))
                ),
            );
        }
    }

    /// Refuses a header value that HTTP cannot carry (a line break, a control character, text
    /// that is not ASCII, or space around it).
    pub(super) fn header_value(&mut self, value: &str, at: &str, what: &str) {
        let valid = !value.is_empty()
            && value
                .bytes()
                .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic())
            && !value.starts_with([' ', '\t'])
            && !value.ends_with([' ', '\t']);
        if !valid {
            self.r.error(
                at,
                format!(
                    "{what} {} is not a valid HTTP header value: it must be visible ASCII, with \
                     spaces only inside",
                    describe(&Value::String(value.to_owned()))
                ),
            );
        }
    }

    /// Checks the Rust names the client emitter makes from the operations file: each must be an
    /// identifier, and distinct from the other names of its scope (see `emit_client`).
    pub(super) fn client_names(&mut self, http: &Http) {
        use names::Case::{Pascal, ShoutySnake, Snake};
        // The items at the root of the client's generated module.
        let mut root = Scope::new(
            "the client's generated items",
            &[
                "API_VERSION",
                "REMOVED_API_VERSIONS",
                "servers",
                "headers",
                "ApiErrorType",
            ],
        );
        let mut servers = Scope::new("the `servers` module", &[]);
        for server in &http.servers {
            servers.add(
                &mut self.r,
                &server.name,
                ShoutySnake,
                &format!("{}/name", server.pointer),
            );
        }
        self.header_names(http, &mut root);
        let mut error_types = Scope::new("`ApiErrorType`", &["Other"]);
        for error_type in &http.error_types {
            error_types.add(
                &mut self.r,
                &error_type.name,
                Pascal,
                &kw::TYPE.at(&error_type.pointer),
            );
        }
        for operation in &http.operations {
            let at = &operation.pointer;
            root.add(&mut self.r, &operation.id, Snake, &format!("{at}/id"));
            let mut arguments = Scope::new(
                &format!("the arguments of `{}`", operation.id),
                &["body", "query", "request"],
            );
            let mut query = Scope::new(&format!("the query of `{}`", operation.id), &[]);
            for parameter in &operation.parameters {
                let here = format!("{}/name", parameter.pointer);
                match parameter.location {
                    ParameterLocation::Query => {
                        query.add(&mut self.r, &parameter.name, Snake, &here)
                    }
                    _ => arguments.add(&mut self.r, &parameter.name, Snake, &here),
                }
            }
            let successes: Vec<&Response> = operation
                .responses
                .iter()
                .filter(|it| (200..300).contains(&it.status))
                .collect();
            if successes.len() > 1 {
                for (i, response) in successes.iter().enumerate() {
                    if let Some(first) = successes[..i].iter().find(|it| it.body == response.body) {
                        self.r.error(
                            &format!("{at}/responses/{}/body", response.status),
                            format!(
                                "the {} and {} answers have the same body `{}`; the client's \
                                 `Success` has one variant per 2xx body",
                                first.status, response.status, response.body
                            ),
                        );
                    }
                }
            }
        }
    }

    /// The header constants, one per header name, and the enum of each enumerated header.
    fn header_names(&mut self, http: &Http, root: &mut Scope) {
        use names::Case::{Pascal, ShoutySnake};
        let mut headers = Scope::new("the `headers` module", &[]);
        headers.add(&mut self.r, &http.auth_header, ShoutySnake, "#/auth_header");
        let mut first_header: BTreeMap<&str, &Parameter> = BTreeMap::new();
        for operation in &http.operations {
            for parameter in &operation.parameters {
                if parameter.location != ParameterLocation::Header {
                    continue;
                }
                let at = format!("{}/name", parameter.pointer);
                if parameter.name.eq_ignore_ascii_case(&http.auth_header) {
                    self.r.error(
                        &at,
                        format!(
                            "\"{}\" is the `auth_header`, which the client sets itself",
                            parameter.name
                        ),
                    );
                    continue;
                }
                match first_header.get(parameter.name.as_str()) {
                    Some(first) => {
                        if first.enum_values != parameter.enum_values {
                            self.r.error(
                                &parameter.pointer,
                                format!(
                                    "the header \"{}\" lists other `enum` values than at {}; the \
                                     client has one type per header",
                                    parameter.name, first.pointer
                                ),
                            );
                        }
                    }
                    None => {
                        first_header.insert(&parameter.name, parameter);
                        headers.add(&mut self.r, &parameter.name, ShoutySnake, &at);
                        if !parameter.enum_values.is_empty() {
                            root.add(&mut self.r, &parameter.name, Pascal, &at);
                            let mut variants =
                                Scope::new(&format!("the enum of \"{}\"", parameter.name), &[]);
                            for (i, value) in parameter.enum_values.iter().enumerate() {
                                variants.add(
                                    &mut self.r,
                                    value,
                                    Pascal,
                                    &format!("{}/{i}", kw::ENUM.at(&parameter.pointer)),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Splits `path` into literal text and placeholders, and checks that the placeholders and
    /// the path parameters match one to one.
    pub(super) fn path_parts(
        &mut self,
        path: &str,
        parameters: &[Parameter],
        at: &str,
    ) -> Vec<PathPart> {
        let parts = match parse_path(path) {
            Ok(parts) => parts,
            Err(message) => {
                self.r.error(&format!("{at}/path"), message);
                return Vec::new();
            }
        };
        let placeholders: Vec<&str> = parts
            .iter()
            .filter_map(|it| match it {
                PathPart::Parameter(name) => Some(name.as_str()),
                PathPart::Literal(_) => None,
            })
            .collect();
        let path_parameters: Vec<&str> = parameters
            .iter()
            .filter(|it| it.location == ParameterLocation::Path)
            .map(|it| it.name.as_str())
            .collect();
        for name in &placeholders {
            if !path_parameters.contains(name) {
                let hint = names::closest(name, &path_parameters)
                    .map(|it| format!("; did you mean `{{{it}}}`?"))
                    .unwrap_or_default();
                self.r.error(
                    &format!("{at}/path"),
                    format!("the path placeholder `{{{name}}}` has no `path` parameter{hint}"),
                );
            }
        }
        for parameter in parameters
            .iter()
            .filter(|it| it.location == ParameterLocation::Path)
        {
            if !placeholders.contains(&parameter.name.as_str()) {
                self.r.error(
                    &format!("{}/name", parameter.pointer),
                    format!(
                        "the path parameter \"{}\" does not appear in `path`",
                        parameter.name
                    ),
                );
            }
            if !parameter.required {
                self.r.error(
                    &parameter.pointer,
                    format!("the path parameter \"{}\" must be required", parameter.name),
                );
            }
        }
        parts
    }
}

/// The Rust names made in one scope of the generated client, to find names that are not
/// identifiers and names that collide.
struct Scope {
    what: String,
    /// Rust name to the spec name it was made from and where that is.
    seen: BTreeMap<String, (String, String)>,
}

impl Scope {
    fn new(what: &str, reserved: &[&str]) -> Scope {
        Scope {
            what: what.to_owned(),
            seen: reserved
                .iter()
                .map(|it| ((*it).to_owned(), ((*it).to_owned(), String::new())))
                .collect(),
        }
    }

    fn add(&mut self, cx: &mut Reader<'_>, name: &str, case: names::Case, at: &str) {
        let rust = names::rust_name(name, case);
        if rust.is_empty() {
            cx.error(
                at,
                format!(
                    "{} gives no Rust name in {}: it needs an ASCII letter or digit",
                    describe(&Value::String(name.to_owned())),
                    self.what
                ),
            );
            return;
        }
        match self.seen.get(&rust) {
            Some((_, first_at)) if first_at.is_empty() => cx.error(
                at,
                format!(
                    "\"{name}\" would be `{rust}` in {}, a name the generated code uses itself",
                    self.what
                ),
            ),
            Some((first, _)) if first == name => {}
            Some((first, first_at)) => {
                let place = cx
                    .file
                    .position(first_at)
                    .map(|it| format!(" (at {}:{})", it.line, it.column))
                    .unwrap_or_default();
                cx.error(
                    at,
                    format!(
                        "\"{first}\"{place} and \"{name}\" would both be `{rust}` in {}; rename \
                         one of them",
                        self.what
                    ),
                );
            }
            None => {
                self.seen.insert(rust, (name.to_owned(), at.to_owned()));
            }
        }
    }
}

/// Splits an operation's path into literal text and `{name}` placeholders.
///
/// The literal text must be what a URL path may hold as it is (RFC 3986 `pchar`s, `/`, and
/// `%` with two hex digits), since the client sends it without encoding; braces only open and
/// close a placeholder.
fn parse_path(path: &str) -> Result<Vec<PathPart>, String> {
    if !path.starts_with('/') {
        return Err("`path` must start with `/`".to_owned());
    }
    let bytes = path.as_bytes();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                let Some(length) = path[i + 1..].find('}') else {
                    return Err(format!(
                        "the `{{` at character {} of `path` is never closed",
                        path[..i].chars().count() + 1
                    ));
                };
                let name = &path[i + 1..i + 1 + length];
                if name.is_empty() || name.contains(['{', '/']) {
                    return Err(format!(
                        "`{{{name}}}` in `path` is not a placeholder: write `{{name}}` with the \
                         name of a path parameter"
                    ));
                }
                if !literal.is_empty() {
                    parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(PathPart::Parameter(name.to_owned()));
                i += length + 2;
                continue;
            }
            b'}' => {
                return Err(format!(
                    "the `}}` at character {} of `path` closes no placeholder",
                    path[..i].chars().count() + 1
                ));
            }
            b'%' => {
                let hex = bytes.get(i + 1..i + 3);
                if !hex.is_some_and(|it| it.iter().all(u8::is_ascii_hexdigit)) {
                    return Err(
                        "a `%` in `path` must start a percent-encoded byte such as `%2F`"
                            .to_owned(),
                    );
                }
            }
            b if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) => {}
            _ => {
                let c = path[i..].chars().next().unwrap_or_default();
                return Err(format!(
                    "`path` contains {c:?}, which a URL path cannot hold as it is; percent-encode \
                     it"
                ));
            }
        }
        literal.push(b as char);
        i += 1;
    }
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    Ok(parts)
}
