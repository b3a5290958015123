//! The request side of an operation module: `check_rules` for the rules of `operations.json`, the request builder, and the decoder that maps each documented status to its body type.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::{
    super::{
        ir::{
            Api, MaxItems, Operation, Parameter, ParameterLocation, ParameterType, PathPart, Rule,
        },
        names::{self, Case},
    },
    BodyGroup, Diagnostic, Paths, body_groups, operations_diagnostic,
    query::query_parameters,
    successes, type_path,
};

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

/// The headers the rules of an operation read, in order of first use.
fn rule_headers(operation: &Operation) -> Vec<&Parameter> {
    let mut out: Vec<&Parameter> = Vec::new();
    for rule in &operation.rules {
        let Rule::MaxItemsWhenHeader(MaxItems { header, .. }) = rule;
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

pub(super) fn rules_check(
    api: &Api,
    operation: &Operation,
    paths: &Paths,
) -> Result<Option<TokenStream>, Diagnostic> {
    let Some(body) = operation.request_body.as_ref() else {
        return Ok(None);
    };
    if operation.rules.is_empty() {
        return Ok(None);
    }
    let body_ty = type_path(paths, body);
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
    let checks = operation
        .rules
        .iter()
        .map(|rule| rule_check(api, operation, rule, &arguments, &required))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(quote! {
        /// Checks the rules of this operation that the schema cannot say; the API refuses a
        /// request that breaks one with the error type in the violation.
        pub fn check_rules(
            body: &#body_ty,
            #(#parameters),*
        ) -> ::std::result::Result<(), crate::RuleViolation> {
            #(#checks)*
            ::std::result::Result::Ok(())
        }
    }))
}

/// The check of one rule: the count of the field's entries against the rule's maximum,
/// when the header has the rule's value.
fn rule_check(
    api: &Api,
    operation: &Operation,
    rule: &Rule,
    arguments: &[Argument<'_>],
    required: &[String],
) -> Result<TokenStream, Diagnostic> {
    let Rule::MaxItemsWhenHeader(rule) = rule;
    let (header, value, field) = (&rule.header, &rule.value, &rule.field);
    let (max, error_type) = (rule.max, &rule.error_type);
    let Some(argument) = arguments.iter().find(|it| &it.parameter.name == header) else {
        return Err(operations_diagnostic(
            api,
            None,
            format!(
                "a rule of `{}` reads the header `{header}`, which is not one of its header parameters",
                operation.id
            ),
        ));
    };
    let ident = &argument.ident;
    let header_value = match (argument.parameter.enum_values.is_empty(), argument.optional) {
        (true, true) => quote!(#ident.unwrap_or_default()),
        (true, false) => quote!(#ident),
        (false, true) => quote!(#ident.map(|it| it.as_str()).unwrap_or_default()),
        (false, false) => quote!(#ident.as_str()),
    };
    // The field as typify names it in the body type.
    let field_ident = format_ident!("{}", names::typify_field(field));
    let count = if required.contains(field) {
        quote!(body.#field_ident.len())
    } else {
        quote!(body.#field_ident.as_ref().map_or(0, |it| it.len()))
    };
    let variant = format_ident!("{}", names::rust_name(error_type, Case::Pascal));
    let max = Lit::u64_unsuffixed(max);
    let text = violation_text(rule);
    Ok(quote! {
        if #header_value == #value && #count > #max {
            return ::std::result::Result::Err(crate::RuleViolation {
                error_type: crate::ApiErrorType::#variant,
                message: ::std::format!(#text, #count),
            });
        }
    })
}

/// The message of a broken rule, with `{}` where the count goes.
fn violation_text(rule: &MaxItems) -> String {
    let (header, value, field) = (&rule.header, &rule.value, &rule.field);
    let (max, message) = (rule.max, &rule.message);
    format!(
        "{message}: `{field}` has {{}} entries, at most {max} are allowed \
         when `{header}` is `{value}`"
    )
}

pub(super) fn request_builder(operation: &Operation) -> TokenStream {
    let body_param = operation
        .request_body
        .as_ref()
        .map(|_| quote!(body: &RequestBody,));
    let path_arguments = arguments(operation, ParameterLocation::Path);
    let header_arguments = arguments(operation, ParameterLocation::Header);
    let has_query = !query_parameters(operation).is_empty();
    let parameters = path_arguments.iter().chain(&header_arguments).map(|it| {
        let ident = &it.ident;
        let ty = &it.ty;
        quote!(#ident: #ty,)
    });
    let query_param = has_query.then(|| quote!(query: &Query,));
    let path = request_path(&operation.path_parts);
    let required_checks = header_arguments
        .iter()
        .chain(&path_arguments)
        .map(required_check);
    let query_check = has_query.then(|| quote!(query.check()?;));
    let rules_call = (!operation.rules.is_empty() && operation.request_body.is_some()).then(|| {
        let idents = rule_headers(operation)
            .into_iter()
            .map(|it| format_ident!("{}", names::rust_name(&it.name, Case::Snake)));
        quote! {
            check_rules(body, #(#idents),*)?;
        }
    });
    let headers = header_arguments.iter().map(header_setter);
    let query_pairs = has_query.then(|| {
        quote! {
            for (name, value) in query.pairs() {
                request.query(name, value);
            }
        }
    });
    let body_set = operation
        .request_body
        .as_ref()
        .map(|_| quote!(request.json_body(body)?;));
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
            let mut request = crate::transport::Request::new(ID, METHOD, #path);
            #(#headers)*
            #query_pairs
            #body_set
            ::std::result::Result::Ok(request)
        }
    }
}

fn arguments(operation: &Operation, location: ParameterLocation) -> Vec<Argument<'_>> {
    operation
        .parameters
        .iter()
        .filter(|it| it.location == location)
        .map(argument)
        .collect()
}

/// The path, with each placeholder replaced by its percent-encoded argument.
///
/// `lower` checked that the literal text needs no encoding and that every placeholder is a
/// path parameter; braces in the text are escaped for `format!` all the same.
fn request_path(parts: &[PathPart]) -> TokenStream {
    let mut format = String::new();
    let mut format_args = Vec::new();
    for part in parts {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Parameter(name) => {
                format.push_str("{}");
                let ident = format_ident!("{}", names::rust_name(name, Case::Snake));
                format_args.push(quote!(crate::transport::encode_path_segment(#ident)));
            }
        }
    }
    if format_args.is_empty() {
        quote!(::std::string::String::from(PATH))
    } else {
        quote!(::std::format!(#format, #(#format_args),*))
    }
}

/// Refuses a required string parameter that is empty or blank; nothing for other parameters.
fn required_check(argument: &Argument<'_>) -> TokenStream {
    let parameter = argument.parameter;
    if !parameter.required
        || parameter.ty != ParameterType::String
        || !parameter.enum_values.is_empty()
    {
        return quote!();
    }
    let ident = &argument.ident;
    let message = format!(
        "the {} parameter `{}` is required and must not be empty",
        parameter.location.name(),
        parameter.name
    );
    quote! {
        if #ident.trim().is_empty() {
            return ::std::result::Result::Err(crate::Error::refused(#message));
        }
    }
}

fn header_setter(argument: &Argument<'_>) -> TokenStream {
    let ident = &argument.ident;
    let parameter = argument.parameter;
    let name = format_ident!("{}", names::rust_name(&parameter.name, Case::ShoutySnake));
    let value = |value: TokenStream| match (parameter.enum_values.is_empty(), parameter.ty) {
        (false, _) => quote!(#value.as_str()),
        (true, ParameterType::String) => quote!(#value),
        (true, ParameterType::Integer) => quote!(&#value.to_string()),
    };
    if argument.optional {
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
}

/// The decoder: one arm per body type, with every status that answers with it.
pub(super) fn decoder(operation: &Operation, paths: &Paths) -> TokenStream {
    let many = successes(operation).len() > 1;
    let arms = body_groups(operation)
        .into_iter()
        .map(|group| decode_arm(&group, many, paths));
    quote! {
        /// Maps an answer to its documented body: a 2xx status to [`Success`], any other
        /// documented status to the error its body describes, and an undocumented one to
        /// `Error::UnexpectedResponse`. With `validate`, the body is first checked against
        /// the spec.
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

/// One arm of the decoder: every status answered with one body type.
fn decode_arm(group: &BodyGroup<'_>, many: bool, paths: &Paths) -> TokenStream {
    let statuses = &group.statuses;
    let ty = type_path(paths, group.body);
    if !group.success {
        return quote! {
            #(#statuses)|* => ::std::result::Result::Err(
                crate::decode::failure::<#ty>(response, validate),
            ),
        };
    }
    let wrap = many.then(|| {
        let variant = format_ident!("{}", group.body);
        quote!(.map(Success::#variant))
    });
    quote! {
        #(#statuses)|* => crate::decode::success::<#ty>(response, validate)#wrap,
    }
}
