//! Emits `crates/runa-order-client/src/generated.rs`: the operation-specific surface of the client.
//!
//! Everything here comes from the HTTP side of the IR (`spec/operations.json`): the API version
//! and the server URLs, the header names, one enum per enumerated header (`ExecutionMode`),
//! `ApiErrorType` from `error_types`, and one module per operation with its
//! method and path, the status-to-body mapping, the checks of required headers and of the
//! operation's rules, a request builder and a response decoder.
//!
//! The generated code calls the hand-written runtime of the client crate (`crate::transport`,
//! `crate::decode`, `crate::Error`, `crate::RuleViolation` and `crate::ApiErrorType`, which the
//! crate re-exports at its root), which does the IO, the retries and the error mapping, so
//! nothing here knows about sockets, clocks or backoff. No IO happens in this module.
//!
//! Items of the generated module itself (`headers`, the header enums) are named by relative
//! paths (`super::headers`), and the body types by a path the caller chooses, so that the
//! codegen tests can compile the client of every fixture as a module of their own crate.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::{
    diagnostic::Diagnostic,
    emit_types::docs::markdown,
    ir::{
        Api, Literal, Method, Operation, Parameter, ParameterLocation, ParameterType, PathPart,
        Rule,
    },
    names::{self, Case},
};

/// Generates the client surface of every operation, for the client crate (the body types are
/// those of `runa_order_types`).
pub fn emit(api: &Api) -> Result<TokenStream, Diagnostic> {
    emit_with(api, &quote!(::runa_order_types))
}

/// Generates the client surface of every operation, naming the body types by `types`, a path
/// to the module that holds them.
pub fn emit_with(api: &Api, types: &TokenStream) -> Result<TokenStream, Diagnostic> {
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

    let servers = http.servers.iter().map(|server| {
        let name = format_ident!("{}", names::rust_name(&server.name, Case::ShoutySnake));
        let doc = format!("The `{}` server.", server.name);
        let url = &server.url;
        quote! {
            #[doc = #doc]
            pub const #name: &str = #url;
        }
    });
    items.push(quote! {
        /// Base URLs of the API; paths of the operations are relative to these.
        pub mod servers {
            #(#servers)*
        }
    });

    items.push(headers(api));
    for parameter in enumerated_headers(api) {
        items.push(header_enum(parameter));
    }
    items.push(error_types(api));
    for operation in &http.operations {
        items.push(operation_module(api, operation, types)?);
    }
    Ok(quote! { #(#items)* })
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
    let auth_doc = format!("`{auth}`: the header that carries the API key.");
    let others = unique_headers(api).into_iter().map(|parameter| {
        let name = format_ident!("{}", names::rust_name(&parameter.name, Case::ShoutySnake));
        let doc = doc_with(
            &format!("`{}`", parameter.name),
            parameter.description.as_deref(),
        );
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
        &format!("Values of the `{}` header.", parameter.name),
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
                format!("`{value}` (the default)")
            } else {
                format!("`{value}`")
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
        let mut doc = format!("`{}` ({}): {}", it.name, it.status, markdown(&it.message));
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

/// How one parameter is passed to the generated request builder.
struct Argument<'a> {
    parameter: &'a Parameter,
    ident: proc_macro2::Ident,
    ty: TokenStream,
    /// `Option<…>`: the parameter is neither required nor defaulted.
    optional: bool,
}

fn argument(parameter: &Parameter) -> Argument<'_> {
    let ident = format_ident!("{}", names::rust_name(&parameter.name, Case::Snake));
    let optional = !parameter.required && parameter.default.is_none();
    let ty = if !parameter.enum_values.is_empty() {
        let name = format_ident!("{}", names::rust_name(&parameter.name, Case::Pascal));
        quote!(super::#name)
    } else {
        match parameter.ty {
            ParameterType::String => quote!(&str),
            ParameterType::Integer => quote!(i64),
        }
    };
    let ty = if optional {
        quote!(::std::option::Option<#ty>)
    } else {
        ty
    };
    Argument {
        parameter,
        ident,
        ty,
        optional,
    }
}

fn operation_module(
    api: &Api,
    operation: &Operation,
    types: &TokenStream,
) -> Result<TokenStream, Diagnostic> {
    let module = format_ident!("{}", names::rust_name(&operation.id, Case::Snake));
    let id = &operation.id;
    let method_name = operation.method.name();
    let path = &operation.path;
    let mut doc = format!(
        "`{id}`: `{method_name} {path}`. {}",
        markdown(operation.summary.trim_end_matches('.'))
    );
    doc.push('.');
    if let Some(description) = &operation.description {
        doc.push_str("\n\n");
        doc.push_str(&markdown(description));
    }
    let statuses: Vec<_> = operation
        .responses
        .iter()
        .map(|it| Lit::u16_unsuffixed(it.status))
        .collect();
    let bodies: Vec<_> = operation
        .responses
        .iter()
        .map(|it| it.body.as_str())
        .collect();

    let request_body_const = operation.request_body.as_ref().map(|body| {
        quote! {
            /// The `$defs` name of the request body.
            pub const REQUEST_BODY: &str = #body;
        }
    });
    let idempotency_const = operation.idempotency_key.as_ref().map(|header| {
        quote! {
            /// The header that carries the idempotency key of this operation.
            pub const IDEMPOTENCY_HEADER: &str = #header;
        }
    });

    let success = success_type(api, operation, types)?;
    let query = query_struct(operation);
    let rules = rules_check(api, operation, types);
    let request = request_builder(operation, types);
    let decode = decoder(operation, types);

    Ok(quote! {
        #[doc = #doc]
        pub mod #module {
            /// The official operationId.
            pub const ID: &str = #id;
            /// The HTTP method.
            pub const METHOD: &str = #method_name;
            /// The path, relative to a server URL, with `{name}` placeholders.
            pub const PATH: &str = #path;
            /// The documented status codes, ascending.
            pub const STATUSES: &[u16] = &[#(#statuses),*];
            #request_body_const
            #idempotency_const
            /// The `$defs` name of the body the API answers with `status`, if `status` is documented.
            pub fn response_body(status: u16) -> ::std::option::Option<&'static str> {
                match status {
                    #(#statuses => ::std::option::Option::Some(#bodies),)*
                    _ => ::std::option::Option::None,
                }
            }
            #success
            #query
            #rules
            #request
            #decode
        }
    })
}

fn type_path(types: &TokenStream, definition: &str) -> TokenStream {
    let name = format_ident!("{definition}");
    quote!(#types::#name)
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
    types: &TokenStream,
) -> Result<TokenStream, Diagnostic> {
    let successes = successes(operation);
    match successes.as_slice() {
        [] => Err(Diagnostic {
            file: api
                .operations_file
                .clone()
                .unwrap_or_else(|| "spec/operations.json".to_owned()),
            position: None,
            pointer: None,
            message: format!(
                "operation `{}` has no 2xx response; the client needs one",
                operation.id
            ),
        }),
        [one] => {
            let ty = type_path(types, &one.body);
            let doc = format!("The body of the `{}` answer.", one.status);
            Ok(quote! {
                #[doc = #doc]
                pub type Success = #ty;
            })
        }
        many => {
            let variants = many.iter().map(|it| {
                let variant = format_ident!("{}", it.body);
                let ty = type_path(types, &it.body);
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

fn query_parameters(operation: &Operation) -> Vec<&Parameter> {
    operation
        .parameters
        .iter()
        .filter(|it| it.location == ParameterLocation::Query)
        .collect()
}

fn query_struct(operation: &Operation) -> Option<TokenStream> {
    let parameters = query_parameters(operation);
    if parameters.is_empty() {
        return None;
    }
    let fields = parameters.iter().map(|parameter| {
        let ident = format_ident!("{}", names::rust_name(&parameter.name, Case::Snake));
        let ty = match parameter.ty {
            ParameterType::String => quote!(::std::string::String),
            ParameterType::Integer => quote!(i64),
        };
        let mut doc = parameter
            .description
            .as_deref()
            .map_or_else(|| format!("`{}`.", parameter.name), markdown);
        if let Some(default) = &parameter.default {
            doc.push_str(&format!(" The API's default is `{default}`."));
        }
        quote! {
            #[doc = #doc]
            pub #ident: ::std::option::Option<#ty>
        }
    });
    let checks = parameters.iter().map(|parameter| {
        let ident = format_ident!("{}", names::rust_name(&parameter.name, Case::Snake));
        let name = &parameter.name;
        let mut checks = Vec::new();
        if let Some(minimum) = parameter.minimum {
            let message =
                format!("query parameter `{name}` is {{}}, below the minimum of {minimum}");
            checks.push(quote! {
                if value < #minimum {
                    return ::std::result::Result::Err(::std::format!(#message, value));
                }
            });
        }
        if let Some(maximum) = parameter.maximum {
            let message =
                format!("query parameter `{name}` is {{}}, above the maximum of {maximum}");
            checks.push(quote! {
                if value > #maximum {
                    return ::std::result::Result::Err(::std::format!(#message, value));
                }
            });
        }
        if checks.is_empty() {
            quote!()
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = self.#ident {
                    #(#checks)*
                }
            }
        }
    });
    let pairs = parameters.iter().map(|parameter| {
        let ident = format_ident!("{}", names::rust_name(&parameter.name, Case::Snake));
        let name = &parameter.name;
        quote! {
            if let ::std::option::Option::Some(value) = &self.#ident {
                pairs.push((#name, ::std::string::ToString::to_string(value)));
            }
        }
    });
    Some(quote! {
        /// The query parameters; `None` leaves a parameter out, so the API's default applies.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Query {
            #(#fields,)*
        }
        impl Query {
            /// Checks the documented bounds, so that a request that cannot succeed is not sent.
            pub fn check(&self) -> ::std::result::Result<(), ::std::string::String> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }
            /// The parameters that are set, as name and value, in spec order.
            pub fn pairs(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                let mut pairs = ::std::vec::Vec::new();
                #(#pairs)*
                pairs
            }
        }
    })
}

/// The headers the rules of an operation read, in order of first use.
fn rule_headers(operation: &Operation) -> Vec<&Parameter> {
    let mut out: Vec<&Parameter> = Vec::new();
    for rule in &operation.rules {
        let Rule::MaxItemsWhenHeader { header, .. } = rule;
        if let Some(parameter) = operation
            .parameters
            .iter()
            .find(|it| it.location == ParameterLocation::Header && &it.name == header)
            && !out.iter().any(|it| it.name == parameter.name)
        {
            out.push(parameter);
        }
    }
    out
}

fn rules_check(api: &Api, operation: &Operation, types: &TokenStream) -> Option<TokenStream> {
    let body = operation.request_body.as_ref()?;
    if operation.rules.is_empty() {
        return None;
    }
    let body_ty = type_path(types, body);
    let arguments: Vec<_> = rule_headers(operation).into_iter().map(argument).collect();
    let parameters = arguments.iter().map(|it| {
        let ident = &it.ident;
        let ty = &it.ty;
        quote!(#ident: #ty)
    });
    let required = api
        .definition(body)
        .map(|it| it.schema.object.required.clone())
        .unwrap_or_default();
    let checks = operation.rules.iter().map(|rule| {
        let Rule::MaxItemsWhenHeader {
            header,
            value,
            field,
            max,
            error_type,
            message,
        } = rule;
        let argument = arguments
            .iter()
            .find(|it| &it.parameter.name == header)
            .expect("rule headers were collected from the rules");
        let ident = &argument.ident;
        let header_value = if argument.parameter.enum_values.is_empty() {
            if argument.optional {
                quote!(#ident.unwrap_or_default())
            } else {
                quote!(#ident)
            }
        } else if argument.optional {
            quote!(#ident.map(|it| it.as_str()).unwrap_or_default())
        } else {
            quote!(#ident.as_str())
        };
        // The field as typify names it in the body type.
        let field_ident = format_ident!("{}", names::typify_field(field));
        let count = if required.contains(field) {
            quote!(body.#field_ident.len())
        } else {
            quote!(body.#field_ident.as_ref().map_or(0, |it| it.len()))
        };
        let variant = format_ident!("{}", names::rust_name(error_type, Case::Pascal));
        let max = Lit::u64_unsuffixed(*max);
        let text = format!(
            "{message}: `{field}` has {{}} entries, at most {max} are allowed when `{header}` is `{value}`"
        );
        quote! {
            if #header_value == #value && #count > #max {
                return ::std::result::Result::Err(crate::RuleViolation {
                    error_type: crate::ApiErrorType::#variant,
                    message: ::std::format!(#text, #count),
                });
            }
        }
    });
    Some(quote! {
        /// Checks the rules of this operation that the schema cannot say; the API refuses a
        /// request that breaks one with the error type in the violation.
        pub fn check_rules(body: &#body_ty, #(#parameters),*) -> ::std::result::Result<(), crate::RuleViolation> {
            #(#checks)*
            ::std::result::Result::Ok(())
        }
    })
}

fn request_builder(operation: &Operation, types: &TokenStream) -> TokenStream {
    let body_param = operation.request_body.as_ref().map(|body| {
        let ty = type_path(types, body);
        quote!(body: &#ty,)
    });
    let path_arguments: Vec<_> = operation
        .parameters
        .iter()
        .filter(|it| it.location == ParameterLocation::Path)
        .map(argument)
        .collect();
    let header_arguments: Vec<_> = operation
        .parameters
        .iter()
        .filter(|it| it.location == ParameterLocation::Header)
        .map(argument)
        .collect();
    let has_query = !query_parameters(operation).is_empty();
    let parameters = path_arguments.iter().chain(&header_arguments).map(|it| {
        let ident = &it.ident;
        let ty = &it.ty;
        quote!(#ident: #ty,)
    });
    let query_param = has_query.then(|| quote!(query: &Query,));

    // The path, with each placeholder replaced by its percent-encoded argument.
    // `lower` checked that the literal text needs no encoding and that every placeholder is a
    // path parameter; braces in the text are escaped for `format!` all the same.
    let mut format = String::new();
    let mut format_args = Vec::new();
    for part in &operation.path_parts {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Parameter(name) => {
                format.push_str("{}");
                let ident = format_ident!("{}", names::rust_name(name, Case::Snake));
                format_args.push(quote!(crate::transport::encode_path_segment(#ident)));
            }
        }
    }
    let path = if format_args.is_empty() {
        quote!(::std::string::String::from(PATH))
    } else {
        quote!(::std::format!(#format, #(#format_args),*))
    };

    let required_checks = header_arguments
        .iter()
        .chain(&path_arguments)
        .filter(|it| it.parameter.required && it.parameter.ty == ParameterType::String)
        .filter(|it| it.parameter.enum_values.is_empty())
        .map(|it| {
            let ident = &it.ident;
            let message = format!(
                "the {} parameter `{}` is required and must not be empty",
                it.parameter.location.name(),
                it.parameter.name
            );
            quote! {
                if #ident.trim().is_empty() {
                    return ::std::result::Result::Err(crate::Error::refused(#message));
                }
            }
        });
    let rules_call = (!operation.rules.is_empty() && operation.request_body.is_some()).then(|| {
        let idents = rule_headers(operation)
            .into_iter()
            .map(|it| format_ident!("{}", names::rust_name(&it.name, Case::Snake)));
        quote! {
            check_rules(body, #(#idents),*)?;
        }
    });
    let query_check = has_query.then(|| {
        quote! {
            query.check().map_err(crate::Error::refused)?;
        }
    });
    let headers = header_arguments.iter().map(|it| {
        let ident = &it.ident;
        let name = format_ident!(
            "{}",
            names::rust_name(&it.parameter.name, Case::ShoutySnake)
        );
        let value =
            |value: TokenStream| match (it.parameter.enum_values.is_empty(), it.parameter.ty) {
                (false, _) => quote!(#value.as_str()),
                (true, ParameterType::String) => quote!(#value),
                (true, ParameterType::Integer) => quote!(&#value.to_string()),
            };
        if it.optional {
            let value = value(quote!(value));
            quote! {
                if let ::std::option::Option::Some(value) = #ident {
                    request.header(super::headers::#name, #value)?;
                }
            }
        } else {
            let value = value(quote!(#ident));
            quote! {
                request.header(super::headers::#name, #value)?;
            }
        }
    });
    let query_pairs = has_query.then(|| {
        quote! {
            for (name, value) in query.pairs() {
                request.query(name, value);
            }
        }
    });
    let body_set = operation.request_body.as_ref().map(|_| {
        quote! {
            request.json_body(REQUEST_BODY, body)?;
        }
    });
    let method = match operation.method {
        Method::Get => quote!(::reqwest::Method::GET),
        Method::Post => quote!(::reqwest::Method::POST),
    };
    quote! {
        /// Builds the request after checking what can be checked without the API: required
        /// parameters, documented bounds and the rules of the operation. Nothing is sent here.
        pub(crate) fn request(
            #body_param
            #(#parameters)*
            #query_param
        ) -> ::std::result::Result<crate::transport::Request, crate::Error> {
            #(#required_checks)*
            #query_check
            #rules_call
            let mut request = crate::transport::Request::new(ID, #method, #path);
            #(#headers)*
            #query_pairs
            #body_set
            ::std::result::Result::Ok(request)
        }
    }
}

fn decoder(operation: &Operation, types: &TokenStream) -> TokenStream {
    let many = successes(operation).len() > 1;
    let arms = operation.responses.iter().map(|response| {
        let status = Lit::u16_unsuffixed(response.status);
        let ty = type_path(types, &response.body);
        let body = &response.body;
        if (200..300).contains(&response.status) {
            let wrap = if many {
                let variant = format_ident!("{}", response.body);
                quote!(.map(Success::#variant))
            } else {
                quote!()
            };
            quote! {
                #status => crate::decode::success::<#ty>(response, #body, validate)#wrap,
            }
        } else {
            quote! {
                #status => ::std::result::Result::Err(crate::decode::failure::<#ty>(response, #body, validate)),
            }
        }
    });
    quote! {
        /// Maps an answer to its documented body: a 2xx status to [`Success`], any other
        /// documented status to the error its body describes, and an undocumented one to
        /// `Error::UnexpectedResponse`. With `validate`, the body is first checked against the spec.
        pub(crate) fn decode(
            response: &crate::transport::RawResponse,
            validate: bool,
        ) -> ::std::result::Result<Success, crate::Error> {
            match response.status {
                #(#arms)*
                _ => ::std::result::Result::Err(crate::decode::undocumented(response)),
            }
        }
    }
}

fn doc_with(head: &str, description: Option<&str>) -> String {
    match description {
        Some(it) => format!("{head} {}", markdown(it)),
        None => head.to_owned(),
    }
}
