import type { ComponentType } from "react";
import type { HomeSectionData, ProductCardData, StoreImageData, StoreLayoutData } from "../app/components/store/types.ts";
import type { HeroSection, ImageWithTextSection, ThemeSchema, ThemeSettings } from "./settings.ts";

export interface ThemeComponents {
  /** Announcement bar, logo or name, navigation, search and cart links. */
  Header: ComponentType<{ store: StoreLayoutData }>;
  Footer: ComponentType<{ store: StoreLayoutData }>;
  ProductCard: ComponentType<{ product: ProductCardData; currency: string; headingLevel: 2 | 3 }>;
  /** The first hero on the home page carries its <h1>. */
  Hero: ComponentType<{ section: HeroSection; store: StoreLayoutData; headingLevel: 1 | 2 }>;
  ImageWithText: ComponentType<{ section: ImageWithTextSection & HomeSectionData }>;
  /** The product page's pictures: the selected variant's image first. */
  ProductGallery: ComponentType<{ images: StoreImageData[]; selectedIndex: number; title: string }>;
}

export interface Theme {
  id: string;
  name: string;
  description: string;
  /** URL of the theme's stylesheet (a CSS import). */
  stylesheet: string;
  schema: ThemeSchema;
  defaults: ThemeSettings;
  components: ThemeComponents;
}
