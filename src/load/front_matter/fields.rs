//! The fields front matter may hold, by kind, and what to say about a key that is not one.

use crate::model::Kind;

/// A front-matter field: its name, the kind of page it belongs to (`None`: every kind), and a
/// line to show as an example of a valid value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Option<Kind>,
    pub example: &'static str,
}

const fn all(name: &'static str, example: &'static str) -> Field {
    Field {
        name,
        kind: None,
        example,
    }
}

const fn of(kind: Kind, name: &'static str, example: &'static str) -> Field {
    Field {
        name,
        kind: Some(kind),
        example,
    }
}

/// The top-level fields of a page.
pub const PAGE: &[Field] = &[
    all("id", "id: discovery-call"),
    all("kind", "kind: process"),
    all("title", "title: Discovery call"),
    all("description", "description: How we run a first call"),
    all("draft", "draft: true"),
    all("tags", "tags: [sales, demo]"),
    all("owner", "owner: sales"),
    all("weight", "weight: 10"),
    all("aliases", "aliases: [/old/path/]"),
    all("last_reviewed", "last_reviewed: 2024-05-01"),
    all("review_every", "review_every: 90"),
    all("extra", "extra: {icon: phone}"),
    of(
        Kind::Department,
        "collaborates_with",
        "collaborates_with: [marketing]",
    ),
    of(Kind::Department, "metrics", "metrics: [Win rate]"),
    of(Kind::Process, "status", "status: planned"),
    of(
        Kind::Process,
        "used_when",
        "used_when: A new lead asks for a demo",
    ),
    of(Kind::Process, "collaborators", "collaborators: [marketing]"),
    of(Kind::Process, "deal_profile", "deal_profile: Mid-market"),
    of(Kind::Process, "stages", "stages: [{name: Discovery}]"),
    of(Kind::Playbook, "process", "process: edge-connectivity"),
    of(Kind::Playbook, "stage", "stage: discovery"),
    of(Kind::Playbook, "audience", "audience: Account executives"),
];

/// The fields of one stage, in `stages:`.
pub const STAGE: &[Field] = &[
    all("name", "name: Discovery"),
    all("id", "id: discovery"),
    all("goal", "goal: Qualify the deal"),
    all("duration", "duration: 30 min"),
    all("sales_stage", "sales_stage: Qualification"),
    all("forecast_category", "forecast_category: Pipeline"),
    all("agenda", "agenda: [Introductions, Questions]"),
    all("exit_criteria", "exit_criteria: [Budget confirmed]"),
    all("next_step", "next_step: Book the demo"),
    all("collaborators", "collaborators: [marketing]"),
    all("playbooks", "playbooks: [discovery-call]"),
    all("resources", "resources: [{title: Deck, url: deck.pdf}]"),
];

/// The fields of one stage resource, in `resources:`.
pub const RESOURCE: &[Field] = &[
    all("title", "title: Discovery deck"),
    all("url", "url: discovery-deck.pdf"),
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
