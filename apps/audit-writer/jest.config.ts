import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('audit-writer', __dirname);
