//! The `Query` struct of an operation's query parameters: its fields, the defaults, the checks of the documented bounds, the pairs a request sends and the parser a server reads a query string with.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{
    super::{
        ir::{Api, Literal, Operation, Parameter, ParameterLocation, ParameterType},
        names::{self, Case},
        rustdoc::{code, prose},
    },
    Diagnostic, operations_diagnostic,
};

pub(super) fn query_parameters(operation: &Operation) -> Vec<&Parameter> {
    operation
        .parameters
        .iter()
        .filter(|it| it.location == ParameterLocation::Query)
        .collect()
}

fn field(parameter: &Parameter) -> Ident {
    format_ident!("{}", names::rust_name(&parameter.name, Case::Snake))
}

/// The `Query` struct and its methods, when the operation has query parameters.
pub(super) fn query_struct(
    api: &Api,
    operation: &Operation,
) -> Result<Option<TokenStream>, Diagnostic> {
    let parameters = query_parameters(operation);
    if parameters.is_empty() {
        return Ok(None);
    }
    let fields = parameters.iter().map(|parameter| {
        let ident = field(parameter);
        let ty = match parameter.ty {
            ParameterType::String => quote!(::std::string::String),
            ParameterType::Integer => quote!(i64),
        };
        let mut doc = parameter
            .description
            .as_deref()
            .map_or_else(|| format!("{}.", code(&parameter.name)), prose);
        if let Some(default) = &parameter.default {
            doc.push_str(&format!(
                "\n\nThe API's default is {}.",
                code(&default.to_string())
            ));
        }
        quote! {
            #[doc = #doc]
            pub #ident: ::std::option::Option<#ty>
        }
    });
    let defaults = parameters
        .iter()
        .map(|it| default_const(api, operation, it))
        .collect::<Result<Vec<_>, _>>()?;
    let check = check(&parameters);
    let pairs = pairs(&parameters);
    let parse = parse(&parameters);
    Ok(Some(quote! {
        /// The query parameters; `None` leaves a parameter out, so the API's default applies.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Query {
            #(#fields,)*
        }
        impl Query {
            #(#defaults)*
            #check
            #pairs
            #parse
        }
    }))
}

/// `DEFAULT_<NAME>`, the value the API takes for a parameter left out.
fn default_const(
    api: &Api,
    operation: &Operation,
    parameter: &Parameter,
) -> Result<Option<TokenStream>, Diagnostic> {
    let Some(default) = &parameter.default else {
        return Ok(None);
    };
    let name = format_ident!(
        "DEFAULT_{}",
        names::rust_name(&parameter.name, Case::ShoutySnake)
    );
    let doc = format!(
        "The value the API takes for {} when the query leaves it out.",
        code(&parameter.name)
    );
    let value = match (parameter.ty, default) {
        (ParameterType::Integer, Literal::Number(text)) => text.parse::<i64>().ok().map(|it| {
            let it = proc_macro2::Literal::i64_unsuffixed(it);
            quote! { pub const #name: i64 = #it; }
        }),
        (ParameterType::String, Literal::String(text)) => Some(quote! {
            pub const #name: &str = #text;
        }),
        _ => None,
    };
    let value = value.ok_or_else(|| {
        operations_diagnostic(
            api,
            None,
            format!(
                "the default {default} of the query parameter `{}` of `{}` does not fit its type",
                parameter.name, operation.id
            ),
        )
    })?;
    Ok(Some(quote! {
        #[doc = #doc]
        #value
    }))
}

fn check(parameters: &[&Parameter]) -> TokenStream {
    let checks = parameters.iter().map(|parameter| {
        let ident = field(parameter);
        let name = &parameter.name;
        let minimum = parameter.minimum.map(|minimum| {
            quote! {
                if value < #minimum {
                    return ::std::result::Result::Err(crate::QueryError::BelowMinimum {
                        parameter: #name,
                        value,
                        minimum: #minimum,
                    });
                }
            }
        });
        let maximum = parameter.maximum.map(|maximum| {
            quote! {
                if value > #maximum {
                    return ::std::result::Result::Err(crate::QueryError::AboveMaximum {
                        parameter: #name,
                        value,
                        maximum: #maximum,
                    });
                }
            }
        });
        if minimum.is_none() && maximum.is_none() {
            return quote!();
        }
        quote! {
            if let ::std::option::Option::Some(value) = self.#ident {
                #minimum
                #maximum
            }
        }
    });
    quote! {
        /// Checks the documented bounds, so that a request that cannot succeed is not sent.
        pub fn check(&self) -> ::std::result::Result<(), crate::QueryError> {
            #(#checks)*
            ::std::result::Result::Ok(())
        }
    }
}

fn pairs(parameters: &[&Parameter]) -> TokenStream {
    let pairs = parameters.iter().map(|parameter| {
        let ident = field(parameter);
        let name = &parameter.name;
        quote! {
            if let ::std::option::Option::Some(value) = &self.#ident {
                pairs.push((#name, ::std::string::ToString::to_string(value)));
            }
        }
    });
    quote! {
        /// The parameters that are set, as name and value, in spec order.
        pub fn pairs(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            let mut pairs = ::std::vec::Vec::new();
            #(#pairs)*
            pairs
        }
    }
}

fn parse(parameters: &[&Parameter]) -> TokenStream {
    let arms = parameters.iter().map(|parameter| {
        let ident = field(parameter);
        let name = &parameter.name;
        let value = match parameter.ty {
            ParameterType::String => quote!(value.into_owned()),
            ParameterType::Integer => quote!(crate::query::integer(#name, &value)?),
        };
        quote! {
            #name => query.#ident = ::std::option::Option::Some(#value),
        }
    });
    quote! {
        /// Reads a query string (`limit=10&after=…`, without the `?`) as a server does:
        /// percent-decoded, a repeated parameter's last value wins, unknown parameters are
        /// ignored, and the documented bounds are checked. Takes time linear in the text.
        pub fn parse(text: &str) -> ::std::result::Result<Query, crate::QueryError> {
            let mut query = Query::default();
            for (name, value) in crate::query::pairs(text) {
                match &*name {
                    #(#arms)*
                    _ => {}
                }
            }
            query.check()?;
            ::std::result::Result::Ok(query)
        }
    }
}
