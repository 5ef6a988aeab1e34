//! schemas/tripline.schema.json is [`super::json_schema`], checked in: for
//! SchemaStore, editors (taplo, VS Code's Even Better TOML) and
//! tests/integration/schema.rs. `TRIPLINE_UPDATE_SCHEMA=1 cargo test --lib
//! config_schema` writes it anew after a change to the settings types.

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/tripline.schema.json");

#[test]
fn config_schema_is_checked_in_as_generated() {
    let mut generated = serde_json::to_string_pretty(&super::json_schema()).expect("JSON");
    generated.push('\n');
    if std::env::var_os("TRIPLINE_UPDATE_SCHEMA").is_some() {
        std::fs::write(PATH, &generated).expect("schemas/tripline.schema.json written");
    }
    let checked_in = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schemas/tripline.schema.json is not what the settings types generate: \
         run `TRIPLINE_UPDATE_SCHEMA=1 cargo test --lib config_schema` and commit it"
    );
}

#[test]
fn config_schema_describes_every_table() {
    let schema = super::json_schema();
    let properties = schema["properties"].as_object().expect("properties");
    let tables: Vec<&str> = properties.keys().map(String::as_str).collect();
    for table in [
        "rules",
        "per-path",
        "nginx",
        "dns",
        "tls",
        "migration",
        "drift",
        "baseline",
    ] {
        assert!(tables.contains(&table), "{table} missing from {tables:?}");
        assert!(
            properties[table]["description"].is_string(),
            "{table} has no description"
        );
    }
    assert_eq!(schema["additionalProperties"], false);
}
