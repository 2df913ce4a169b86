import type { StoreImageData } from "./types.ts";

/** A responsive product image: intrinsic size to avoid layout shift, srcset for the media server's widths. */
export function StoreImage({
  image,
  sizes,
  loading = "lazy",
  className,
}: {
  image: StoreImageData;
  sizes: string;
  loading?: "lazy" | "eager";
  className?: string;
}) {
  return (
    <img
      className={className}
      src={image.url}
      srcSet={image.srcSet ?? undefined}
      sizes={image.srcSet ? sizes : undefined}
      width={image.width}
      height={image.height}
      alt={image.alt}
      loading={loading}
      decoding="async"
    />
  );
}
