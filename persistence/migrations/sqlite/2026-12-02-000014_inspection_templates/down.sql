DROP TABLE inspection_template_versions;
DROP TABLE inspection_templates;
