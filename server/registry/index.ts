/** What other components use from the registers (the procurement chain, evaluation). */
export { ensureSupplierForBid, supplierOfOrganisation, type BidderIdentity } from './suppliers/register.ts';
export { agenciesOfUser } from './agencies/register.ts';
export { getGoodsItems, searchGoods, yuanToFen, type GoodsItem } from './goods/register.ts';
export { categoryName, categoryPath, categoryProblem } from './goods/categories.ts';
export { recordPanelService, expertConflicts, expertPool, expertNames, type PanelServiceInput } from './experts/register.ts';
export { creditCodeProblem, isValidCreditCode, normaliseCreditCode, creditCodeCheckChar } from './credit-code.ts';
export { registerRegistryRoutes } from './routes.ts';
