//! `handbook schema`: the front matter of each kind as a JSON Schema (draft 2020-12), for
//! editors that complete and check YAML against a schema (README, "`handbook schema`").
//!
//! Generated from the field tables the front-matter reader reads with
//! ([`crate::load::front_matter::PAGE`] and the others), so a field added there is in the
//! schema too, with the same shape, and the schema accepts what the reader accepts.

use serde_json::{Map, Value, json};

use crate::load::front_matter::{
    Field, PAGE, REQUIRED, RESOURCE_REQUIRED, STAGE_REQUIRED, Shape, of_kind,
};
use crate::model::Kind;

pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Every kind, in the order `handbook schema` writes them.
pub const KINDS: [Kind; 4] = [Kind::Department, Kind::Process, Kind::Playbook, Kind::Page];

/// The schema of a page of `kind`'s front matter, with the keys handbook.yaml declares
/// (`front_matter.extra_keys`) as keys of any value.
pub fn front_matter(kind: Kind, extra_keys: &[String]) -> Value {
    let required: Vec<&str> = REQUIRED
        .iter()
        .filter(|(k, _, _)| *k == kind)
        .map(|(_, name, _)| *name)
        .collect();
    let fields = of_kind(kind).filter_map(|name| PAGE.iter().find(|f| f.name == name));
    let mut properties = Map::new();
    for field in fields {
        let schema = if field.name == "kind" {
            // This schema is the one of `kind`: another kind has its own.
            json!({
                "description": format!("What the page is; `{}` for this schema", kind.as_str()),
                "enum": [kind.as_str(), null],
            })
        } else {
            property(field, required.contains(&field.name))
        };
        properties.insert(field.name.to_string(), schema);
    }
    for key in extra_keys {
        properties.insert(
            key.clone(),
            json!({ "description": "Declared in handbook.yaml (`front_matter.extra_keys`); any value" }),
        );
    }
    json!({
        "$schema": DIALECT,
        "title": format!("handbook front matter: {}", kind.as_str()),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The schema of a list item made of `fields` (a stage, a resource).
fn item(fields: &[Field], required: &[&str]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.to_string(), property(f, required.contains(&f.name))))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// One field's schema. A field that is not required may also be empty (`key:`), which the
/// reader takes as unset.
fn property(field: &Field, required: bool) -> Value {
    let scalar = json!(["string", "number", "boolean"]);
    let mut schema = match field.shape {
        Shape::Text => json!({ "type": scalar }),
        Shape::List => json!({ "type": "array", "items": { "type": scalar } }),
        Shape::Whole => json!({ "type": "integer" }),
        Shape::Days => json!({ "type": "integer", "minimum": 1, "maximum": u32::MAX }),
        Shape::Flag => json!({ "type": "boolean" }),
        Shape::Date => json!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }),
        Shape::OneOf(words) => json!({ "enum": words }),
        Shape::Any => json!({}),
        Shape::Items(fields) => {
            let required = match field.name {
                "stages" => STAGE_REQUIRED,
                _ => RESOURCE_REQUIRED,
            };
            json!({ "type": "array", "items": item(fields, required) })
        }
    };
    if !required {
        allow_null(&mut schema);
    }
    if let Value::Object(map) = &mut schema {
        map.insert(
            "description".into(),
            Value::String(format!("For example `{}`", field.example)),
        );
    }
    schema
}

fn allow_null(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    match map.get_mut("type") {
        Some(Value::String(one)) => {
            let one = std::mem::take(one);
            map.insert("type".into(), json!([one, "null"]));
        }
        Some(Value::Array(types)) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(words)) = map.get_mut("enum") {
        words.push(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::load::LineIndex;
    use crate::load::front_matter;

    /// The YAML as an editor hands it to a validator: a JSON value.
    fn json_of(yaml: &str) -> Value {
        let tree = crate::yaml::tree(yaml).unwrap();
        match crate::yaml::node::to_json(&tree, yaml) {
            Value::Null => json!({}),
            value => value,
        }
    }

    /// Whether the reader finds a front-matter-schema problem in `yaml` on a page of `kind`.
    fn reader_objects(kind: Kind, yaml: &str, extra: &[String]) -> bool {
        let source = format!("---\nkind: {}\n{yaml}---\n", kind.as_str());
        let lines = LineIndex::new(&source);
        let split = front_matter::split(&source);
        let read = front_matter::read("content/x.md", &lines, &source, split, kind, extra);
        read.problems
            .iter()
            .any(|d| d.code == Code::FrontMatterSchema)
    }

    /// The schema and the reader agree, on good front matter and on each known mistake.
    #[test]
    fn the_schema_accepts_what_the_reader_accepts() {
        let extra = vec!["navTitle".to_string()];
        let cases: &[(Kind, &str)] = &[
            (
                Kind::Page,
                "title: 2024\ndraft: true\ntags: [a, 1]\nweight: -3\n",
            ),
            (
                Kind::Page,
                "aliases:\nlast_reviewed: 2024-05-01\nreview_every: 90\n",
            ),
            (
                Kind::Page,
                "navTitle: {any: [thing]}\nextra: {icon: phone}\n",
            ),
            (
                Kind::Department,
                "collaborates_with: [sales]\nmetrics: [Win rate]\n",
            ),
            (
                Kind::Process,
                "owner: sales\nstatus: planned\nstages:\n  - name: Discovery\n    playbooks: [discovery-call]\n    resources:\n      - {title: Deck, url: deck.pdf}\n",
            ),
            (
                Kind::Playbook,
                "process: edge\nstage: discovery\naudience: AEs\n",
            ),
            // Mistakes.
            (Kind::Page, "draft: yes please\n"),
            (Kind::Page, "weight: 1.5\n"),
            (Kind::Page, "review_every: 0\n"),
            (Kind::Page, "last_reviewed: May 1\n"),
            (Kind::Page, "tags: sales\n"),
            (Kind::Page, "tags: {a: b}\n"),
            (Kind::Page, "title: [a]\n"),
            (Kind::Page, "ownr: sales\n"),
            (Kind::Page, "stages: []\n"),
            (Kind::Department, "toc_hide: true\n"),
            (Kind::Process, "owner: sales\nstatus: paused\n"),
            (Kind::Process, "status: active\n"),
            (Kind::Process, "owner:\n"),
            (Kind::Process, "owner: sales\nstages:\n  - goal: Qualify\n"),
            (
                Kind::Process,
                "owner: sales\nstages:\n  - name: A\n    resources:\n      - {title: Deck}\n",
            ),
            (
                Kind::Process,
                "owner: sales\nstages:\n  - name: A\n    gaol: x\n",
            ),
            (Kind::Playbook, "stage: discovery\n"),
        ];
        let mut invalid = 0;
        for &(kind, yaml) in cases {
            let schema = front_matter(kind, &extra);
            let validator = jsonschema::draft202012::new(&schema).unwrap();
            let instance = json_of(&format!("kind: {}\n{yaml}", kind.as_str()));
            let valid = validator.is_valid(&instance);
            assert_eq!(
                valid,
                !reader_objects(kind, yaml, &extra),
                "{kind:?}: {yaml}"
            );
            invalid += usize::from(!valid);
        }
        assert_eq!(
            invalid,
            cases.len() - 6,
            "every mistake fails, every good one passes"
        );
    }

    #[test]
    fn every_field_of_a_kind_and_only_those_are_properties() {
        for kind in KINDS {
            let schema = front_matter(kind, &[]);
            let mut names: Vec<&str> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            names.sort_unstable();
            let mut fields: Vec<&str> = of_kind(kind).collect();
            fields.sort_unstable();
            assert_eq!(names, fields, "{kind:?}");
            assert_eq!(schema["$schema"], DIALECT);
        }
    }
}
