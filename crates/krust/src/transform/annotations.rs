//! `commonAnnotations`: set annotation pairs at every field the table names
//! (metadata, and pod templates of workloads).

use crate::error::Result;
use crate::fieldspec::FieldSpec;
use crate::resmap::ResMap;
use crate::string_map::StringMap;

/// Sets `annotations` at `specs` in every resource.
pub fn apply(map: &mut ResMap, annotations: &StringMap, specs: &[FieldSpec]) -> Result<()> {
    super::labels::set_pairs(map, annotations, specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::resource::Resource;

    #[test]
    fn annotates_metadata_and_templates() {
        let obj = krust_yaml::load_documents(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {}}}\n",
        )
        .unwrap()
        .remove(0);
        let mut map = ResMap::new();
        map.append(Resource::new(obj)).unwrap();
        let pairs = [("note".to_string(), "x".to_string())]
            .into_iter()
            .collect();
        apply(
            &mut map,
            &pairs,
            &TransformerConfig::builtin().common_annotations,
        )
        .unwrap();
        let obj = map.resources()[0].obj();
        assert_eq!(obj.str_at(&["metadata", "annotations", "note"]), Some("x"));
        assert_eq!(
            obj.str_at(&["spec", "template", "metadata", "annotations", "note"]),
            Some("x")
        );
    }
}
