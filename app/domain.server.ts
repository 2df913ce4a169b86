// Route modules reach server-only code outside app/ through this file alone: Remix's
// compiler swaps `*.server` modules for empty ones in the browser build only inside app/.
export { enqueueCatalogueImport } from "../jobs/processors/catalogue-transfer.server.ts";
export { auditFilterOptions, listAuditEvents, type AuditEvent } from "../shop/audit-log.server.ts";
export { recordAudit } from "../shop/audit.server.ts";
export { productRecommendationsForAdmin, recommendationPerformance, setRecommendationRule } from "../shop/recommendations/recommendations.server.ts";
export {
  clearVisitorCookie,
  linkVisitorToCustomer,
  readVisitorId,
  recommendationSource,
  recordAddToCart,
  recordSignal,
  visitorFor,
} from "../shop/recommendations/signals.server.ts";
export {
  addToCart,
  adoptCart,
  cartCookie,
  cartItemCount,
  cartProductIds,
  clearCartCookie,
  loadCart,
  readCartToken,
  removeCartLine,
  updateCartLine,
  type CartErrors,
  type CartOwner,
} from "../shop/cart.server.ts";
export {
  addProductsToCollection,
  CollectionValidationError,
  deleteCollection,
  getCollection,
  listCollectionProducts,
  listCollections,
  moveProductInCollection,
  parentChoices,
  readCollectionListQuery,
  removeProductFromCollection,
  RULE_RELATIONS,
  ruleInputs,
  saveCollection,
  type CollectionErrors,
  type CollectionInput,
  type RuleInput,
} from "../shop/collections.server.ts";
export { exportProductsCsv } from "../shop/csv/export.server.ts";
export { staleEditMessage, StaleEditError } from "../shop/edit-versions.server.ts";
export type { ImportReport } from "../shop/csv/import.server.ts";
export {
  ABANDONED_TRANSFER_MS,
  failImport,
  finishExport,
  getTransfer,
  ImportInProgressError,
  listTransfers,
  looksLikeProductCsv,
  MAX_IMPORT_BYTES,
  queueImport,
  startExport,
  type CatalogueTransfer,
  type ExportReport,
  type FailedReport,
} from "../shop/csv/transfers.server.ts";
export { getCustomer, listCustomers, parseCustomerFilters } from "../shop/customers.server.ts";
export { getDailySales, getOnboarding, getSalesSummary, launchShop, unconfirmedSteps, type DailySales } from "../shop/dashboard.server.ts";
export {
  deleteDiscount,
  describeValue,
  discountFieldsFromForm,
  discountEditForm,
  discountForm,
  discountTargets,
  discountToFields,
  getDiscount,
  getDiscountReport,
  listDiscounts,
  saveDiscount,
  type DiscountErrors,
  type DiscountFields,
} from "../shop/discounts.server.ts";
export { sanitizeRichText } from "../shop/html.server.ts";
export {
  ACCEPTED_IMAGE_TYPES,
  deleteImage,
  deleteProductImageFiles,
  ImageRejectedError,
  listProductImages,
  loadProductMedia,
  MAX_ALT_LENGTH,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_UPLOAD,
  MediaNotFoundError,
  mediaResponse,
  moveImage,
  prepareImage,
  productImageSrcSet,
  productImageUrl,
  reorderImages,
  saveImageEdits,
  saveProductImages,
  setVariantImages,
  updateImageAlt,
  type ImageEdits,
  type PreparedImage,
} from "../shop/media.server.ts";
export { getOrder, listOrders, parseOrderFilters } from "../shop/orders.server.ts";
export { cancelOrder, fulfilOrder, newRequestKey, orderActionForm, refundOrder } from "../shop/order-actions.server.ts";
export {
  applyVariantBulkEdit,
  draftFromProduct,
  draftToInput,
  emptyProductDraft,
  MAX_OPTIONS,
  regenerateVariants,
  type ProductDraft,
  type VariantBulkEdit,
} from "../shop/product-drafts.server.ts";
export {
  deletePage,
  getPage,
  listPages,
  pageEditForm,
  pageForm,
  PageValidationError,
  savePage,
  type PageErrors,
  type PageVisibility,
} from "../shop/pages.server.ts";
export { findProducts, listProducts, productFacets, readProductListQuery } from "../shop/product-list.server.ts";
export {
  applyProductBulkAction,
  deleteProducts,
  differingFields,
  getProduct,
  isRecordId,
  ProductValidationError,
  saveProduct,
  validateProduct,
  type ProductBulkAction,
  type ProductErrors,
} from "../shop/products.server.ts";
export { predictiveSearch, search } from "../shop/search.server.ts";
export {
  createShippingRate,
  createShippingZone,
  currencyChangeBlockers,
  deleteShippingRate,
  deleteShippingZone,
  getSettings,
  listPolicies,
  listShippingZones,
  logoPath,
  logoResponse,
  moneyStyle,
  removeLogo,
  saveGeneralSettings,
  saveLogo,
  savePolicies,
  saveTaxSettings,
  taxForm,
  generalSettingsForm,
  checkoutSettingsForm,
  policiesForm,
  zoneForm,
  rateForm,
  shippingForm,
  saveCheckoutSettings,
  REMINDER_DELAYS,
  SettingsNotFoundError,
  SettingsValidationError,
  updateShippingRate,
  updateShippingZone,
  type SettingsErrors,
  saveStorefrontLanguage,
  shopperIntl,
} from "../shop/settings.server.ts";
export {
  countryOptions,
  deleteAddress,
  deleteShopperAccount,
  endShopperSession,
  exportShopperData,
  getAddress,
  getShopperOrder,
  listAddresses,
  listShopperOrders,
  logInShopper,
  readShopperSession,
  registerShopper,
  validateRegistration,
  validateAddress,
  saveAddress,
  setDefaultAddress,
  startShopperSession,
  type FieldErrors,
} from "../shop/shopper-accounts.server.ts";
export { parseSitemapName, platformRobots, shopLaunched, shopRobots, sitemapChild, sitemapIndex } from "../shop/sitemap.server.ts";
export { passwordMatches } from "../shop/storefront-access.server.ts";
export {
  collectionChoices,
  browseCollection,
  findCollectionByHandle,
  findPolicy,
  policyTitle,
  findProductPage,
  findPublishedPage,
  homeSectionsData,
  listStoreProducts,
  productCards,
  productChoices,
  relatedProducts,
  selectVariant,
} from "../shop/storefront.server.ts";
export { clearOperatorCookie, endOperatorSession, listOperatorActions, logInOperator, logOperatorAction } from "../server/operator-auth.server.ts";
export {
  listThemes,
  publishTheme,
  resetThemeDraft,
  saveThemeDraft,
  ThemeSettingsError,
  themeDraft,
  themeDraftVersion,
  UnknownThemeError,
} from "../shop/themes.server.ts";
export { emailProblem, listMemberships, normalizeEmail, PASSWORD_MIN_LENGTH, verifyCredentials } from "../tenants/accounts.server.ts";
export {
  changeShopStatus,
  LifecycleError,
  readOperatorSettings,
  shopStatusHistory,
  updateOperatorSettings,
  type OperatorSettings,
} from "../tenants/lifecycle.server.ts";
export {
  changeShopPlan,
  describePlan,
  findPlan,
  listPlans,
  planOf,
  planToInput,
  PlanValidationError,
  pricingData,
  savePlan,
  shopUsage,
  usageLines,
  type PlanErrors,
  type PlanInput,
  type PlanSummary,
} from "../tenants/plans.server.ts";
export { countSpareShops, SlugUnavailableError } from "../tenants/provision.server.ts";
export { bundleFileName, BundleError, MAX_BUNDLE_BYTES, restoreShopBundle, shopBundleStream } from "../tenants/bundle.server.ts";
export { listShopPage } from "../tenants/shop-list.server.ts";
export { listInvoices, payWithTestGateway, type InvoiceLine } from "../tenants/billing.server.ts";
export { monthlyMetrics, type MonthMetrics } from "../tenants/metrics.server.ts";
export { findShopBySlug } from "../tenants/registry.server.ts";
export { signUpMerchant, signupForm, type SignupErrors } from "../tenants/signup.server.ts";
export {
  acceptInvitation,
  acceptInvitationWithNewAccount,
  changeMemberRole,
  findInvitation,
  INVITATION_MESSAGES,
  InvitationError,
  inviteStaff,
  staffForm,
  listMembers,
  listPendingInvitations,
  removeMember,
  resendInvitation,
  revokeInvitation,
  StaffError,
  type InvitationDelivery,
  type StaffErrors,
} from "../tenants/staff.server.ts";
export {
  addressInput,
  findCheckout,
  findOrderByStatusToken,
  parseCheckoutToken,
  priceCheckout,
  releaseCheckout,
  reminderDelay,
  startCheckout,
  updateCheckout,
  type CheckoutInput,
  type CheckoutPricing,
} from "../shop/checkout.server.ts";
export { payWithTestCard } from "../shop/test-gateway.server.ts";
export { tooManyAttempts } from "../server/limits.server.ts";
export { settleStripeReturn, startStripePayment } from "../shop/stripe-gateway.server.ts";
export { stripeFailure } from "../server/stripe.server.ts";
export { connectShopAccount, createAccountSession, createOnboardingLink, payoutState, refreshPayoutState } from "../tenants/stripe-accounts.server.ts";
export { BillingSetupError, openBillingPortal, startPlanCheckout } from "../tenants/stripe-billing.server.ts";
export { requestPasswordReset, resetLinkValid, resetPassword } from "../tenants/password-reset.server.ts";
export { changeEmail, changePassword } from "../server/account-changes.server.ts";
export { sendVerificationEmail, shopOwners, verifyEmail } from "../tenants/email-verification.server.ts";
export { requestShopperPasswordReset, resetShopperPassword, shopperResetLinkValid } from "../shop/shopper-accounts.server.ts";
export { isMailUnavailable, MAIL_UNAVAILABLE } from "../shop/mail.server.ts";
