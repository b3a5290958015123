//! Emits `crates/runa-order-client/src/generated.rs`: the operation-specific surface of the client.
//!
//! Everything here comes from the HTTP side of the IR (`spec/operations.json`): the API version,
//! the server URLs and the path they share, the header names, one enum per enumerated header
//! (`ExecutionMode`), `ApiErrorType` from `error_types`, and one module per operation with its
//! method and path, the operation as one value (`OPERATION`, also listed in `ALL`), the schema
//! of the body of each status, the query parameters (`query.rs`), and the checks of required
//! headers and of the operation's rules, a request builder and a response decoder
//! (`request.rs`).
//!
//! Bodies are linked by type: the generated code names a body's Rust type, and its schema is
//! that type's `runa_order_validator::Validate::KIND`, so no `$defs` name travels as a string.
//!
//! The generated code calls the hand-written runtime of the client crate (`crate::transport`,
//! `crate::decode`, `crate::query`, `crate::operation`, `crate::Error`, `crate::QueryError`,
//! `crate::RuleViolation` and `crate::ApiErrorType`, which the crate re-exports at its root),
//! which does the IO, the retries and the error mapping, so nothing here knows about sockets,
//! clocks or backoff. No IO happens in this module.
//!
//! Items of the generated module itself (`headers`, the header enums) are named by relative
//! paths (`super::headers`), and the body types and the validator's `Kind` by paths the caller
//! chooses ([`Paths`]), so that the codegen tests can compile the client of every fixture,
//! with the fixture's own types and validator, as a module of their own crate.

mod query;
mod request;

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::{
    diagnostic::Diagnostic,
    ir::{Api, Literal, Operation, Parameter, ParameterLocation},
    names::{self, Case},
    rustdoc::{code, phrase, prose},
};

/// Generates the client surface of every operation, for the client crate: the body types are
/// those of `runa_order_types`, their schemas `runa_order_validator::Kind`s.
pub fn emit(api: &Api) -> Result<TokenStream, Diagnostic> {
    emit_with(
        api,
        &Paths {
            types: quote!(::runa_order_types),
            validator: quote!(::runa_order_validator),
        },
    )
}

/// Where the generated client finds the body types and the schemas they link to.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The module that holds the body types, one per definition, each named as in `$defs`.
    pub types: TokenStream,
    /// The module that holds the validator's `Kind`, the schema type of the body types'
    /// `runa_order_validator::Validate` impls.
    pub validator: TokenStream,
}

/// Generates the client surface of every operation, naming the body types and the validator
/// by `paths`.
pub fn emit_with(api: &Api, paths: &Paths) -> Result<TokenStream, Diagnostic> {
    let http = &api.http;
    let mut items = Vec::new();

    let version = &http.api_version;
    let removed = &http.removed_versions;
    items.push(quote! {
        /// The dated API version this crate was generated for, sent in `X-Api-Version` unless the client is told otherwise.
        pub const API_VERSION: &str = #version;
        /// Versions the API has removed: requesting one gives `410 version_removed`.
        pub const REMOVED_API_VERSIONS: &[&str] = &[#(#removed),*];
    });
    items.push(servers(api)?);
    items.push(headers(api));
    for parameter in enumerated_headers(api) {
        items.push(header_enum(parameter));
    }
    items.push(error_types(api));
    for operation in &http.operations {
        items.push(operation_module(api, operation, paths)?);
    }
    let modules = http
        .operations
        .iter()
        .map(|it| format_ident!("{}", names::rust_name(&it.id, Case::Snake)));
    let kind = kind_type(paths);
    items.push(quote! {
        /// Every operation, in spec order.
        pub const ALL: &[crate::operation::Operation<#kind>] = &[#(#modules::OPERATION),*];
    });
    Ok(quote! {
        // `large_enum_variant`: a `Success` enum holds each 2xx body as the spec shapes it.
        // `single_match`: `Query::parse` matches the name of each query parameter, one arm
        // per parameter, however many the operation has.
        #![allow(clippy::large_enum_variant, clippy::single_match)]
        #(#items)*
    })
}

/// The server URLs, and the path below the host that they share (`/v2`): the operations'
/// paths are relative to it, and the mock serves them below it.
fn servers(api: &Api) -> Result<TokenStream, Diagnostic> {
    let mut base_path: Option<&str> = None;
    for (i, server) in api.http.servers.iter().enumerate() {
        let path = url_path(&server.url);
        match base_path {
            Some(first) if first != path => {
                return Err(operations_diagnostic(
                    api,
                    Some(format!("#/servers/{i}/url")),
                    format!(
                        "server `{}` has the path \"{path}\" but the servers before it have \"{first}\"; every server must share one path, since the operations' paths are relative to it",
                        server.name
                    ),
                ));
            }
            _ => base_path = Some(path),
        }
    }
    let base_path = base_path.unwrap_or_default();
    let servers = api.http.servers.iter().map(|server| {
        let name = format_ident!("{}", names::rust_name(&server.name, Case::ShoutySnake));
        let doc = format!("The {} server.", code(&server.name));
        let url = &server.url;
        quote! {
            #[doc = #doc]
            pub const #name: &str = #url;
        }
    });
    Ok(quote! {
        /// Base URLs of the API; paths of the operations are relative to these.
        pub mod servers {
            #(#servers)*
            /// The path of every server URL (empty, or `/` and segments): the operations' paths
            /// follow it.
            pub const BASE_PATH: &str = #base_path;
        }
    })
}

/// The path of an absolute URL, without a trailing `/` (`https://api.runa.io/v2` gives `/v2`).
fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/')
}

fn operations_diagnostic(api: &Api, pointer: Option<String>, message: String) -> Diagnostic {
    Diagnostic {
        file: api
            .operations_file
            .clone()
            .unwrap_or_else(|| "spec/operations.json".to_owned()),
        position: None,
        pointer,
        message,
    }
}

/// Header parameters of every operation, each name once, in order of first appearance.
fn unique_headers(api: &Api) -> Vec<&Parameter> {
    let mut seen: Vec<&Parameter> = Vec::new();
    for operation in &api.http.operations {
        for parameter in &operation.parameters {
            if parameter.location == ParameterLocation::Header
                && !seen.iter().any(|it| it.name == parameter.name)
            {
                seen.push(parameter);
            }
        }
    }
    seen
}

fn enumerated_headers(api: &Api) -> Vec<&Parameter> {
    unique_headers(api)
        .into_iter()
        .filter(|it| !it.enum_values.is_empty())
        .collect()
}

fn headers(api: &Api) -> TokenStream {
    let auth = &api.http.auth_header;
    let auth_name = format_ident!("{}", names::rust_name(auth, Case::ShoutySnake));
    let auth_doc = format!("{}: the header that carries the API key.", code(auth));
    let others = unique_headers(api).into_iter().map(|parameter| {
        let name = format_ident!("{}", names::rust_name(&parameter.name, Case::ShoutySnake));
        let doc = doc_with(&code(&parameter.name), parameter.description.as_deref());
        let value = &parameter.name;
        quote! {
            #[doc = #doc]
            pub const #name: &str = #value;
        }
    });
    quote! {
        /// Names of the request headers of the API.
        pub mod headers {
            #[doc = #auth_doc]
            pub const #auth_name: &str = #auth;
            #(#others)*
        }
    }
}

fn header_enum(parameter: &Parameter) -> TokenStream {
    let name = format_ident!("{}", names::rust_name(&parameter.name, Case::Pascal));
    let doc = doc_with(
        &format!("Values of the {} header.", code(&parameter.name)),
        parameter.description.as_deref(),
    );
    let default = match &parameter.default {
        Some(Literal::String(it)) => Some(it.as_str()),
        _ => None,
    };
    let variants: Vec<_> = parameter
        .enum_values
        .iter()
        .map(|value| format_ident!("{}", names::rust_name(value, Case::Pascal)))
        .collect();
    let definitions = parameter
        .enum_values
        .iter()
        .zip(&variants)
        .map(|(value, variant)| {
            let doc = if default == Some(value.as_str()) {
                format!("{} (the default)", code(value))
            } else {
                code(value)
            };
            let default_attr = (default == Some(value.as_str())).then(|| quote!(#[default]));
            quote! {
                #[doc = #doc]
                #default_attr
                #variant
            }
        });
    let values = &parameter.enum_values;
    let derive_default = default.is_some().then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
        pub enum #name {
            #(#definitions,)*
        }
        impl #name {
            /// Every value, in spec order.
            pub const ALL: &[#name] = &[#(#name::#variants),*];
            /// The value as sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(#name::#variants => #values,)*
                }
            }
            /// The value for its wire spelling, if it is one of the allowed values.
            pub fn from_wire(value: &str) -> ::std::option::Option<#name> {
                match value {
                    #(#values => ::std::option::Option::Some(#name::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn error_types(api: &Api) -> TokenStream {
    let types = &api.http.error_types;
    let variants: Vec<_> = types
        .iter()
        .map(|it| format_ident!("{}", names::rust_name(&it.name, Case::Pascal)))
        .collect();
    let wire: Vec<_> = types.iter().map(|it| it.name.as_str()).collect();
    let statuses: Vec<_> = types
        .iter()
        .map(|it| Lit::u16_unsuffixed(it.status))
        .collect();
    let messages: Vec<_> = types.iter().map(|it| it.message.as_str()).collect();
    let deprecated: Vec<_> = types
        .iter()
        .zip(&variants)
        .filter(|(it, _)| it.deprecated)
        .map(|(_, variant)| variant)
        .collect();
    // `matches!` needs at least one pattern.
    let is_deprecated = if deprecated.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(ApiErrorType::#deprecated)|*))
    };
    let definitions = types.iter().zip(&variants).map(|(it, variant)| {
        // The documented message is plain text (`Not allowed to order products: <detail>`).
        let mut doc = format!(
            "{} ({}): {}",
            code(&it.name),
            it.status,
            phrase(&it.message)
        );
        if it.deprecated {
            doc.push_str(" Deprecated.");
        }
        quote! {
            #[doc = #doc]
            #variant
        }
    });
    quote! {
        /// The `type` of an error body: one variant per documented error type, and [`ApiErrorType::Other`]
        /// for a type this version of the crate does not know. Branch on this, not on the message.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ApiErrorType {
            #(#definitions,)*
            /// A type that is not in the documented list, as received.
            Other(::std::string::String),
        }
        impl ApiErrorType {
            /// Every documented type, in spec order.
            pub const DOCUMENTED: &[ApiErrorType] = &[#(ApiErrorType::#variants),*];
            /// The type as it appears in the `type` field of an error body.
            pub fn as_str(&self) -> &str {
                match self {
                    #(ApiErrorType::#variants => #wire,)*
                    ApiErrorType::Other(it) => it,
                }
            }
            /// The type for its wire spelling; unknown spellings become [`ApiErrorType::Other`].
            pub fn from_wire(value: &str) -> ApiErrorType {
                match value {
                    #(#wire => ApiErrorType::#variants,)*
                    other => ApiErrorType::Other(::std::string::String::from(other)),
                }
            }
            /// The HTTP status the documentation gives for this type.
            pub fn documented_status(&self) -> ::std::option::Option<u16> {
                match self {
                    #(ApiErrorType::#variants => ::std::option::Option::Some(#statuses),)*
                    ApiErrorType::Other(_) => ::std::option::Option::None,
                }
            }
            /// The message the documentation gives for this type.
            pub fn documented_message(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(ApiErrorType::#variants => ::std::option::Option::Some(#messages),)*
                    ApiErrorType::Other(_) => ::std::option::Option::None,
                }
            }
            /// True for types the documentation marks as deprecated.
            pub fn is_deprecated(&self) -> bool {
                #is_deprecated
            }
        }
        impl ::std::fmt::Display for ApiErrorType {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for ApiErrorType {
            fn from(value: &str) -> ApiErrorType {
                ApiErrorType::from_wire(value)
            }
        }
    }
}

fn operation_module(
    api: &Api,
    operation: &Operation,
    paths: &Paths,
) -> Result<TokenStream, Diagnostic> {
    let module = format_ident!("{}", names::rust_name(&operation.id, Case::Snake));
    let id = &operation.id;
    let method_name = operation.method.name();
    let method = format_ident!("{method_name}");
    let path = &operation.path;
    let mut doc = format!(
        "{}: {}. {}",
        code(id),
        code(&format!("{method_name} {path}")),
        phrase(operation.summary.trim_end_matches('.'))
    );
    doc.push('.');
    if let Some(description) = &operation.description {
        doc.push_str("\n\n");
        doc.push_str(&prose(description));
    }
    let statuses: Vec<_> = operation
        .responses
        .iter()
        .map(|it| Lit::u16_unsuffixed(it.status))
        .collect();
    let request_body_type = operation.request_body.as_ref().map(|body| {
        let ty = type_path(paths, body);
        quote! {
            /// The type of the request body.
            pub type RequestBody = #ty;
        }
    });
    let (idempotency_const, idempotency_header) = match &operation.idempotency_key {
        Some(header) => (
            Some(quote! {
                /// The header that carries the idempotency key of this operation.
                pub const IDEMPOTENCY_HEADER: &str = #header;
            }),
            quote!(::std::option::Option::Some(IDEMPOTENCY_HEADER)),
        ),
        None => (None, quote!(::std::option::Option::None)),
    };
    let kind = kind_type(paths);
    let response_body = response_body(operation, paths);
    let success = success_type(api, operation, paths)?;
    let query = query::query_struct(api, operation)?;
    let rules = request::rules_check(api, operation, paths)?;
    let request = request::request_builder(operation);
    let decode = request::decoder(operation, paths);

    Ok(quote! {
        #[doc = #doc]
        pub mod #module {
            /// The official operationId.
            pub const ID: &str = #id;
            /// The HTTP method.
            pub const METHOD: ::reqwest::Method = ::reqwest::Method::#method;
            /// The path, relative to a server URL, with `{name}` placeholders.
            pub const PATH: &str = #path;
            /// The documented status codes, ascending.
            pub const STATUSES: &[u16] = &[#(#statuses),*];
            #request_body_type
            #idempotency_const
            /// This operation as one value.
            pub const OPERATION: crate::operation::Operation<#kind> = crate::operation::Operation {
                id: ID,
                method: METHOD,
                path: PATH,
                statuses: STATUSES,
                response_body,
                idempotency_header: #idempotency_header,
            };
            #response_body
            #success
            #query
            #rules
            #request
            #decode
        }
    })
}

fn type_path(paths: &Paths, definition: &str) -> TokenStream {
    let types = &paths.types;
    let name = format_ident!("{definition}");
    quote!(#types::#name)
}

/// The validator's `Kind`, the type of every body type's schema.
fn kind_type(paths: &Paths) -> TokenStream {
    let validator = &paths.validator;
    quote!(#validator::Kind)
}

/// The schema of a body type, through the type's `Validate` impl: the link is by type, so a
/// body type without a schema does not compile.
fn kind_of(paths: &Paths, definition: &str) -> TokenStream {
    let ty = type_path(paths, definition);
    quote!(<#ty as ::runa_order_validator::Validate>::KIND)
}

/// The documented responses grouped by body type, in order of first appearance; 2xx and other
/// statuses are never in one group, since one decodes to a body and the other to an error.
struct BodyGroup<'a> {
    body: &'a str,
    success: bool,
    statuses: Vec<Lit>,
}

fn body_groups(operation: &Operation) -> Vec<BodyGroup<'_>> {
    let mut groups: Vec<BodyGroup<'_>> = Vec::new();
    for response in &operation.responses {
        let success = (200..300).contains(&response.status);
        let status = Lit::u16_unsuffixed(response.status);
        match groups
            .iter_mut()
            .find(|it| it.body == response.body && it.success == success)
        {
            Some(group) => group.statuses.push(status),
            None => groups.push(BodyGroup {
                body: &response.body,
                success,
                statuses: vec![status],
            }),
        }
    }
    groups
}

fn response_body(operation: &Operation, paths: &Paths) -> TokenStream {
    let arms = body_groups(operation).into_iter().map(|group| {
        let statuses = &group.statuses;
        let kind = kind_of(paths, group.body);
        quote! {
            #(#statuses)|* => ::std::option::Option::Some(#kind),
        }
    });
    let kind = kind_type(paths);
    quote! {
        /// The schema of the body the API answers with `status`, if `status` is documented.
        pub fn response_body(status: u16) -> ::std::option::Option<#kind> {
            match status {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    }
}

fn successes(operation: &Operation) -> Vec<&super::ir::Response> {
    operation
        .responses
        .iter()
        .filter(|it| (200..300).contains(&it.status))
        .collect()
}

fn success_type(
    api: &Api,
    operation: &Operation,
    paths: &Paths,
) -> Result<TokenStream, Diagnostic> {
    let successes = successes(operation);
    match successes.as_slice() {
        [] => Err(operations_diagnostic(
            api,
            None,
            format!(
                "operation `{}` has no 2xx response; the client needs one",
                operation.id
            ),
        )),
        [one] => {
            let ty = type_path(paths, &one.body);
            let doc = format!("The body of the `{}` answer.", one.status);
            Ok(quote! {
                #[doc = #doc]
                pub type Success = #ty;
            })
        }
        many => {
            let variants = many.iter().map(|it| {
                let variant = format_ident!("{}", it.body);
                let ty = type_path(paths, &it.body);
                let doc = doc_with(&format!("`{}`.", it.status), it.description.as_deref());
                quote! {
                    #[doc = #doc]
                    #variant(#ty)
                }
            });
            Ok(quote! {
                /// The successful answers, one variant per 2xx status.
                #[derive(Debug, Clone)]
                pub enum Success {
                    #(#variants,)*
                }
            })
        }
    }
}

fn doc_with(head: &str, description: Option<&str>) -> String {
    match description {
        Some(it) => format!("{head} {}", phrase(it)),
        None => head.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codegen::{load, lower};

    fn real_api() -> Api {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let sources = load::load(&root).expect("the spec loads");
        let (api, diagnostics) = lower::lower(&sources);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        api
    }

    #[test]
    fn the_base_path_is_the_path_every_server_shares() {
        assert_eq!(url_path("https://api.runa.io/v2"), "/v2");
        assert_eq!(url_path("https://api.runa.io/v2/"), "/v2");
        assert_eq!(url_path("https://api.runa.io"), "");
        assert_eq!(url_path("https://h.example/a/b?x=1#y"), "/a/b");

        let mut api = real_api();
        let code = emit(&api).unwrap().to_string();
        assert!(
            code.contains(r#"pub const BASE_PATH : & str = "/v2""#),
            "{code}"
        );
        api.http.servers[1].url = "https://api.runa.io/v3".to_owned();
        let err = emit(&api).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("#/servers/1/url"));
        assert!(err.message.contains("\"/v3\""), "{err}");
        assert!(err.message.contains("\"/v2\""), "{err}");
    }

    /// One decoder arm per body type: every operation answers its error statuses with
    /// `APIErrorResponse`, and each decodes it in one arm, with every status.
    #[test]
    fn decoders_have_one_arm_per_body_type() {
        let api = real_api();
        let code = emit(&api).unwrap().to_string();
        let arms = code
            .matches("crate :: decode :: failure :: < :: runa_order_types :: APIErrorResponse >")
            .count();
        assert_eq!(arms, api.http.operations.len());
        assert!(
            code.contains("400 | 401 | 403 | 410 | 500 | 504 =>"),
            "{code}"
        );
        // Bodies are linked by type: no `$defs` name is passed as a string.
        assert!(!code.contains(r#""APIErrorResponse""#), "{code}");
    }
}
