//! The fields front matter may hold, by kind, and what to say about a key that is not one.

use crate::model::Kind;

/// A front-matter field: its name, the kind of page it belongs to (`None`: every kind), the
/// shape of value the reader takes for it, and a line to show as an example of a valid value.
/// `handbook schema` is generated from these tables too (`crate::schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Option<Kind>,
    pub shape: Shape,
    pub example: &'static str,
}

/// What value a field takes, as the reader reads it. An empty value (`key:`) is taken by
/// every field and means unset, except for the fields a page or item needs ([`REQUIRED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One scalar, read as written (`title: 2024` is the text `2024`).
    Text,
    /// A list of scalars.
    List,
    /// A whole number.
    Whole,
    /// A whole number of days, at least 1.
    Days,
    /// `true` or `false`.
    Flag,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Any value (`extra`).
    Any,
    /// A list of mappings, each with these fields.
    Items(&'static [Field]),
}

const fn all(name: &'static str, shape: Shape, example: &'static str) -> Field {
    Field {
        name,
        kind: None,
        shape,
        example,
    }
}

const fn of(kind: Kind, name: &'static str, shape: Shape, example: &'static str) -> Field {
    Field {
        name,
        kind: Some(kind),
        shape,
        example,
    }
}

/// The words `kind:` takes.
pub const KINDS: &[&str] = &["department", "process", "playbook", "page"];
/// The words a process's `status:` takes.
pub const STATUSES: &[&str] = &["active", "planned"];

/// The fields a page of a kind must set, with the line to add.
pub const REQUIRED: &[(Kind, &str, &str)] = &[
    (Kind::Process, "owner", "owner: <department id>"),
    (Kind::Playbook, "process", "process: <process id>"),
];
/// The fields each stage must set.
pub const STAGE_REQUIRED: &[&str] = &["name"];
/// The fields each resource must set.
pub const RESOURCE_REQUIRED: &[&str] = &["title", "url"];

/// The top-level fields of a page.
pub const PAGE: &[Field] = &[
    all("id", Shape::Text, "id: discovery-call"),
    all("kind", Shape::OneOf(KINDS), "kind: process"),
    all("title", Shape::Text, "title: Discovery call"),
    all(
        "description",
        Shape::Text,
        "description: How we run a first call",
    ),
    all("draft", Shape::Flag, "draft: true"),
    all("tags", Shape::List, "tags: [sales, demo]"),
    all("owner", Shape::Text, "owner: sales"),
    all("weight", Shape::Whole, "weight: 10"),
    all("aliases", Shape::List, "aliases: [/old/path/]"),
    all("last_reviewed", Shape::Date, "last_reviewed: 2024-05-01"),
    all("review_every", Shape::Days, "review_every: 90"),
    all("extra", Shape::Any, "extra: {icon: phone}"),
    of(
        Kind::Department,
        "collaborates_with",
        Shape::List,
        "collaborates_with: [marketing]",
    ),
    of(
        Kind::Department,
        "metrics",
        Shape::List,
        "metrics: [Win rate]",
    ),
    of(
        Kind::Process,
        "status",
        Shape::OneOf(STATUSES),
        "status: planned",
    ),
    of(
        Kind::Process,
        "used_when",
        Shape::Text,
        "used_when: A new lead asks for a demo",
    ),
    of(
        Kind::Process,
        "collaborators",
        Shape::List,
        "collaborators: [marketing]",
    ),
    of(
        Kind::Process,
        "deal_profile",
        Shape::Text,
        "deal_profile: Mid-market",
    ),
    of(
        Kind::Process,
        "stages",
        Shape::Items(STAGE),
        "stages: [{name: Discovery}]",
    ),
    of(
        Kind::Playbook,
        "process",
        Shape::Text,
        "process: edge-connectivity",
    ),
    of(Kind::Playbook, "stage", Shape::Text, "stage: discovery"),
    of(
        Kind::Playbook,
        "audience",
        Shape::Text,
        "audience: Account executives",
    ),
];

/// The fields of one stage, in `stages:`.
pub const STAGE: &[Field] = &[
    all("name", Shape::Text, "name: Discovery"),
    all("id", Shape::Text, "id: discovery"),
    all("goal", Shape::Text, "goal: Qualify the deal"),
    all("duration", Shape::Text, "duration: 30 min"),
    all("sales_stage", Shape::Text, "sales_stage: Qualification"),
    all(
        "forecast_category",
        Shape::Text,
        "forecast_category: Pipeline",
    ),
    all("agenda", Shape::List, "agenda: [Introductions, Questions]"),
    all(
        "exit_criteria",
        Shape::List,
        "exit_criteria: [Budget confirmed]",
    ),
    all("next_step", Shape::Text, "next_step: Book the demo"),
    all("collaborators", Shape::List, "collaborators: [marketing]"),
    all("playbooks", Shape::List, "playbooks: [discovery-call]"),
    all(
        "resources",
        Shape::Items(RESOURCE),
        "resources: [{title: Deck, url: deck.pdf}]",
    ),
];

/// The fields of one stage resource, in `resources:`.
pub const RESOURCE: &[Field] = &[
    all("title", Shape::Text, "title: Discovery deck"),
    all("url", Shape::Text, "url: discovery-deck.pdf"),
];

/// The top-level field named `name`, of any kind.
pub fn page_field(name: &str) -> Option<&'static Field> {
    PAGE.iter().find(|f| f.name == name)
}

/// The field named `name` in `fields`.
pub fn field(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.name == name)
}

/// Whether a field may be written on a page of `kind`.
pub fn fits(field: &Field, kind: Kind) -> bool {
    field.kind.is_none_or(|k| k == kind)
}

/// The top-level fields a page of `kind` may hold.
pub fn of_kind(kind: Kind) -> impl Iterator<Item = &'static str> + Clone {
    PAGE.iter().filter(move |f| fits(f, kind)).map(|f| f.name)
}

/// "Did you mean" for an unknown key, among the names that are valid where it is written,
/// else the list of those names.
pub fn unknown_help<'a>(
    key: &str,
    valid: impl Iterator<Item = &'a str> + Clone,
    where_: &str,
) -> String {
    match crate::suggest::closest(key, valid.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let names: Vec<String> = valid.map(|n| format!("`{n}`")).collect();
            format!("{where_}: {}", names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_an_example_of_itself() {
        for field in PAGE.iter().chain(STAGE).chain(RESOURCE) {
            assert!(
                field.example.starts_with(&format!("{}: ", field.name)),
                "{field:?}"
            );
        }
    }

    #[test]
    fn a_kind_sees_only_its_own_fields() {
        let department: Vec<&str> = of_kind(Kind::Department).collect();
        assert!(department.contains(&"metrics") && department.contains(&"title"));
        assert!(!department.contains(&"stages") && !department.contains(&"process"));
        assert_eq!(
            unknown_help("stags", of_kind(Kind::Process), "x"),
            "did you mean `stages`?"
        );
        let help = unknown_help("budget", of_kind(Kind::Department), "fields");
        assert!(help.starts_with("fields: `id`, `kind`"), "{help}");
        assert!(help.ends_with("`collaborates_with`, `metrics`"), "{help}");
    }
}
