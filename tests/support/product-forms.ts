/** Builds the product editor's form fields the way the page posts them. */
export interface VariantRow {
  options?: string[];
  sku?: string;
  price?: string;
  compareAtPrice?: string;
  inventory?: string;
  continueSelling?: boolean;
  weight?: string;
  selected?: boolean;
}

export interface ProductFormInput {
  intent?: string;
  title: string;
  handle?: string;
  description?: string;
  status?: string;
  vendor?: string;
  productType?: string;
  tags?: string;
  seoTitle?: string;
  seoDescription?: string;
  /** Option name → comma-separated values, as typed. */
  options?: [string, string][];
  /** The options the variant rows were built from; defaults to `options`, i.e. rows already match them. */
  builtFrom?: { name: string; values: string[] }[];
  variants: VariantRow[];
  extra?: [string, string][];
}

export function productForm(input: ProductFormInput): [string, string][] {
  const options = input.options ?? [];
  const builtFrom =
    input.builtFrom ??
    options.map(([name, values]) => ({
      name,
      values: values
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    }));
  const fields: [string, string][] = [
    ["intent", input.intent ?? "save"],
    ["title", input.title],
    ["handle", input.handle ?? ""],
    ["descriptionHtml", input.description ?? ""],
    ["status", input.status ?? "draft"],
    ["vendor", input.vendor ?? ""],
    ["productType", input.productType ?? ""],
    ["tags", input.tags ?? ""],
    ["seoTitle", input.seoTitle ?? ""],
    ["seoDescription", input.seoDescription ?? ""],
    ["optionCount", String(options.length)],
    ["builtFrom", JSON.stringify(builtFrom)],
    ["variantCount", String(input.variants.length)],
  ];
  options.forEach(([name, values], i) => fields.push([`options.${i}.name`, name], [`options.${i}.values`, values]));
  input.variants.forEach((v, i) => {
    (v.options ?? []).forEach((value, o) => fields.push([`variants.${i}.option.${o}`, value]));
    fields.push(
      [`variants.${i}.sku`, v.sku ?? ""],
      [`variants.${i}.price`, v.price ?? ""],
      [`variants.${i}.compareAtPrice`, v.compareAtPrice ?? ""],
      [`variants.${i}.inventoryQuantity`, v.inventory ?? "0"],
      [`variants.${i}.weightGrams`, v.weight ?? "0"],
    );
    if (v.continueSelling) fields.push([`variants.${i}.continueSelling`, "on"]);
    if (v.selected) fields.push([`variants.${i}.selected`, "on"]);
  });
  return [...fields, ...(input.extra ?? [])];
}
