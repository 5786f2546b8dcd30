package demo

// Short fictional texts in each reporting language, so demo cases read as reporters would write
// them. Placeholders: {m} months, {n} people, {h} hours, {f} a fee (the unit is in the text).

// topic groups the categories that share a narrative.
type topic int

const (
	topicWages topic = iota
	topicHours
	topicSafety
	topicRecruitment
	topicHarassment
	topicGeneral
	topicCount
)

type texts struct {
	narratives [topicCount]string
	remedy     string
	question   string // the secretariat asks for details
	answer     string // the reporter answers
	update     string // the secretariat tells the reporter the company was contacted
	names      []string
}

var languageTexts = map[string]*texts{
	"ja": {
		narratives: [topicCount]string{
			"{m}か月分の残業代が支払われていません。同じ工場の{n}人が同じ状況です。",
			"毎日{h}時間以上働かされ、休日もほとんどありません。断ると解雇すると言われました。",
			"工場で安全装置のない機械を使わされ、先月同僚がけがをしました。マスクや手袋も支給されません。",
			"来日前に仲介業者へ{f}万円の手数料を払い、借金を返すまで辞められません。パスポートは会社が預かっています。",
			"上司から毎日のように怒鳴られ、体に触られることもあります。相談しても何も変わりませんでした。",
			"寮の環境がひどく、{n}人で一部屋に住んでいます。会社に改善を求めましたが返事がありません。",
		},
		remedy:   "未払いの賃金を支払い、同じことが起きないようにしてほしいです。",
		question: "工場の名前と、いつから続いているか教えていただけますか。",
		answer:   "第2工場で、去年の春からです。",
		update:   "ご報告を企業に伝えました。企業から回答があり次第お知らせします。",
		names:    []string{"山田 花子", "佐藤 健", "田中 美咲"},
	},
	"vi": {
		narratives: [topicCount]string{
			"Chúng tôi chưa được trả tiền làm thêm giờ trong {m} tháng. Có {n} công nhân trong xưởng cũng bị như vậy.",
			"Chúng tôi phải làm việc hơn {h} tiếng mỗi ngày và hầu như không có ngày nghỉ. Ai từ chối sẽ bị đuổi việc.",
			"Máy móc trong nhà máy không có thiết bị an toàn, tháng trước một đồng nghiệp đã bị thương. Công ty không phát khẩu trang và găng tay.",
			"Trước khi đi làm, tôi phải trả phí môi giới {f} triệu đồng và vẫn còn nợ. Công ty giữ hộ chiếu của chúng tôi.",
			"Quản lý thường xuyên quát mắng và có hành vi đụng chạm không phù hợp. Chúng tôi đã báo nhưng không có gì thay đổi.",
			"Ký túc xá quá chật, {n} người phải ở chung một phòng. Chúng tôi đã đề nghị công ty cải thiện nhưng không được trả lời.",
		},
		remedy:   "Chúng tôi mong được trả đủ tiền lương còn thiếu và không để việc này lặp lại.",
		question: "Bạn có thể cho chúng tôi biết tên nhà máy và việc này bắt đầu từ khi nào không?",
		answer:   "Đó là xưởng số 2, bắt đầu từ mùa xuân năm ngoái.",
		update:   "Chúng tôi đã chuyển báo cáo của bạn đến công ty và sẽ thông báo khi có phản hồi.",
		names:    []string{"Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hoa"},
	},
	"th": {
		narratives: [topicCount]string{
			"พวกเราไม่ได้รับค่าล่วงเวลามา {m} เดือนแล้ว คนงานในโรงงานอีก {n} คนก็เจอปัญหาเดียวกัน",
			"พวกเราต้องทำงานมากกว่าวันละ {h} ชั่วโมงและแทบไม่มีวันหยุด ถ้าปฏิเสธจะถูกไล่ออก",
			"เครื่องจักรในโรงงานไม่มีอุปกรณ์ป้องกัน เดือนที่แล้วเพื่อนร่วมงานได้รับบาดเจ็บ บริษัทไม่แจกหน้ากากและถุงมือ",
			"ก่อนเริ่มงาน ฉันต้องจ่ายค่านายหน้า {f},000 บาท และยังมีหนี้อยู่ นายจ้างยึดหนังสือเดินทางของพวกเราไว้",
			"หัวหน้างานตะโกนด่าพวกเราเป็นประจำและแตะต้องตัวอย่างไม่เหมาะสม แจ้งแล้วก็ไม่มีอะไรเปลี่ยนแปลง",
			"หอพักแออัดมาก ต้องอยู่กัน {n} คนในห้องเดียว ขอให้บริษัทแก้ไขแล้วแต่ไม่มีคำตอบ",
		},
		remedy:   "ขอให้จ่ายค่าจ้างที่ค้างอยู่ให้ครบและไม่ให้เกิดเรื่องนี้ซ้ำอีก",
		question: "กรุณาแจ้งชื่อโรงงานและเรื่องนี้เริ่มเกิดขึ้นเมื่อไร",
		answer:   "เป็นโรงงานที่ 2 เริ่มตั้งแต่ต้นปีที่แล้ว",
		update:   "เราได้ส่งเรื่องของคุณไปยังบริษัทแล้ว และจะแจ้งให้ทราบเมื่อได้รับคำตอบ",
		names:    []string{"สมชาย ใจดี", "มาลี สุขสันต์"},
	},
	"id": {
		narratives: [topicCount]string{
			"Upah lembur kami belum dibayar selama {m} bulan. Ada {n} pekerja lain di pabrik yang mengalami hal yang sama.",
			"Kami harus bekerja lebih dari {h} jam setiap hari dan hampir tidak pernah libur. Yang menolak diancam akan dipecat.",
			"Mesin di pabrik tidak memiliki pelindung dan bulan lalu seorang rekan kerja terluka. Perusahaan tidak memberikan masker dan sarung tangan.",
			"Sebelum berangkat saya harus membayar biaya agen sebesar {f} juta rupiah dan masih berutang. Paspor kami ditahan oleh perusahaan.",
			"Atasan sering membentak kami dan melakukan sentuhan yang tidak pantas. Kami sudah melapor tetapi tidak ada perubahan.",
			"Asrama sangat sempit, {n} orang tinggal dalam satu kamar. Kami sudah meminta perbaikan tetapi tidak ada jawaban.",
		},
		remedy:   "Kami ingin upah yang belum dibayar segera dilunasi dan kejadian ini tidak terulang.",
		question: "Bisakah Anda memberi tahu nama pabrik dan sejak kapan hal ini terjadi?",
		answer:   "Pabrik nomor 2, sejak awal tahun lalu.",
		update:   "Laporan Anda sudah kami teruskan ke perusahaan. Kami akan memberi kabar setelah ada tanggapan.",
		names:    []string{"Siti Rahmawati", "Budi Santoso"},
	},
	"ms": {
		narratives: [topicCount]string{
			"Gaji kerja lebih masa kami tidak dibayar selama {m} bulan. Seramai {n} pekerja lain di kilang menghadapi masalah yang sama.",
			"Kami terpaksa bekerja lebih daripada {h} jam sehari dan hampir tiada cuti. Sesiapa yang enggan diugut akan dibuang kerja.",
			"Mesin di kilang tiada alat keselamatan dan bulan lepas seorang rakan sekerja cedera. Syarikat tidak membekalkan pelitup muka dan sarung tangan.",
			"Sebelum mula bekerja, saya terpaksa membayar yuran ejen sebanyak RM{f}00 dan masih berhutang. Pasport kami disimpan oleh majikan.",
			"Penyelia selalu menengking kami dan menyentuh dengan cara yang tidak wajar. Kami sudah membuat aduan tetapi tiada perubahan.",
			"Asrama terlalu sesak, {n} orang tinggal dalam satu bilik. Kami telah meminta syarikat memperbaikinya tetapi tiada jawapan.",
		},
		remedy:   "Kami mahu gaji tertunggak dibayar sepenuhnya dan perkara ini tidak berulang.",
		question: "Boleh beritahu nama kilang dan sejak bila perkara ini berlaku?",
		answer:   "Kilang nombor 2, sejak awal tahun lepas.",
		update:   "Aduan anda telah kami majukan kepada syarikat. Kami akan memaklumkan apabila ada maklum balas.",
		names:    []string{"Nur Aisyah binti Ahmad", "Muhammad Hafiz bin Ali"},
	},
	"my": {
		narratives: [topicCount]string{
			"ကျွန်တော်တို့ {m} လကြာ အချိန်ပိုလုပ်ခ မရသေးပါ။ စက်ရုံထဲက အလုပ်သမား {n} ယောက်လည်း ဒီလိုပဲ ဖြစ်နေပါတယ်။",
			"တစ်နေ့ကို {h} နာရီထက်ပို အလုပ်လုပ်ရပြီး နားရက် မရှိသလောက်ပါပဲ။ ငြင်းရင် အလုပ်ထုတ်မယ်လို့ ခြိမ်းခြောက်ပါတယ်။",
			"စက်ရုံထဲက စက်တွေမှာ ဘေးကင်းရေး ကာကွယ်မှု မရှိပါ။ ပြီးခဲ့တဲ့လက လုပ်ဖော်ကိုင်ဖက်တစ်ယောက် ဒဏ်ရာရခဲ့ပါတယ်။",
			"အလုပ်မစခင် အေးဂျင့်ကို ကျပ် {f} သိန်း ပေးခဲ့ရပြီး အကြွေး ကျန်နေပါသေးတယ်။ ကုမ္ပဏီက ကျွန်တော်တို့ရဲ့ ပတ်စ်ပို့ကို သိမ်းထားပါတယ်။",
			"ကြီးကြပ်ရေးမှူးက ကျွန်မတို့ကို အမြဲ အော်ငေါက်ပြီး မသင့်တော်စွာ ထိကိုင်ပါတယ်။ တိုင်ကြားပေမယ့် ဘာမှ မပြောင်းလဲပါ။",
			"အဆောင်က အရမ်းကျဉ်းပြီး အခန်းတစ်ခန်းမှာ {n} ယောက် နေရပါတယ်။ ကုမ္ပဏီကို ပြင်ပေးဖို့ တောင်းဆိုပေမယ့် အဖြေ မရပါ။",
		},
		remedy:   "ပေးရန်ကျန်တဲ့ လုပ်ခလစာတွေ အပြည့်ရပြီး ဒီလိုမျိုး ထပ်မဖြစ်စေချင်ပါ။",
		question: "စက်ရုံအမည်နဲ့ ဒီကိစ္စ ဘယ်အချိန်ကစပြီး ဖြစ်နေတာလဲ ပြောပြပေးနိုင်မလား။",
		answer:   "စက်ရုံနံပါတ် ၂ ဖြစ်ပြီး မနှစ်ကစပြီး ဖြစ်နေတာပါ။",
		update:   "သင့်တိုင်ကြားချက်ကို ကုမ္ပဏီထံ ပေးပို့ပြီးပါပြီ။ အကြောင်းပြန်ချက်ရရင် အသိပေးပါမယ်။",
		names:    []string{"မောင်ကျော်ဇင်", "မနီလာထွန်း"},
	},
	"km": {
		narratives: [topicCount]string{
			"យើងមិនទាន់បានទទួលប្រាក់ម៉ោងបន្ថែមអស់រយៈពេល {m} ខែហើយ។ កម្មករ {n} នាក់ផ្សេងទៀតនៅក្នុងរោងចក្រក៏ជួបបញ្ហាដូចគ្នា។",
			"យើងត្រូវធ្វើការលើសពី {h} ម៉ោងក្នុងមួយថ្ងៃ ហើយស្ទើរតែគ្មានថ្ងៃឈប់សម្រាក។ អ្នកណាបដិសេធនឹងត្រូវបណ្តេញចេញ។",
			"ម៉ាស៊ីននៅក្នុងរោងចក្រគ្មានឧបករណ៍សុវត្ថិភាព ហើយកាលពីខែមុន មិត្តរួមការងារម្នាក់បានរងរបួស។ ក្រុមហ៊ុនមិនផ្តល់ម៉ាស់ និងស្រោមដៃទេ។",
			"មុនពេលចាប់ផ្តើមការងារ ខ្ញុំត្រូវបង់ថ្លៃភ្នាក់ងារ {f}00 ដុល្លារ ហើយនៅជំពាក់បំណុល។ ក្រុមហ៊ុនរក្សាលិខិតឆ្លងដែនរបស់យើងទុក។",
			"ប្រធានក្រុមតែងតែស្រែកគំហកដាក់យើង និងប៉ះពាល់រាងកាយដោយមិនសមរម្យ។ យើងបានរាយការណ៍ ប៉ុន្តែគ្មានអ្វីផ្លាស់ប្តូរទេ។",
			"អន្តេវាសិកដ្ឋានចង្អៀតណាស់ មនុស្ស {n} នាក់ត្រូវរស់នៅក្នុងបន្ទប់តែមួយ។ យើងបានស្នើឱ្យក្រុមហ៊ុនកែលម្អ ប៉ុន្តែមិនមានចម្លើយទេ។",
		},
		remedy:   "យើងចង់ឱ្យក្រុមហ៊ុនបង់ប្រាក់ឈ្នួលដែលនៅជំពាក់ឱ្យគ្រប់ចំនួន ហើយកុំឱ្យរឿងនេះកើតឡើងម្តងទៀត។",
		question: "តើអ្នកអាចប្រាប់យើងពីឈ្មោះរោងចក្រ និងពេលដែលរឿងនេះចាប់ផ្តើមបានទេ?",
		answer:   "គឺរោងចក្រលេខ ២ ចាប់ផ្តើមតាំងពីឆ្នាំមុន។",
		update:   "យើងបានបញ្ជូនរបាយការណ៍របស់អ្នកទៅក្រុមហ៊ុនហើយ ហើយនឹងជូនដំណឹងនៅពេលមានចម្លើយ។",
		names:    []string{"សុខ ចាន់ថា", "ចាន់ សុភា"},
	},
	"tl": {
		narratives: [topicCount]string{
			"Hindi pa kami nababayaran ng overtime sa loob ng {m} buwan. May {n} pang manggagawa sa pabrika na ganito rin ang kalagayan.",
			"Pinagtatrabaho kami nang higit sa {h} oras bawat araw at halos walang day off. Tatanggalin daw sa trabaho ang tatanggi.",
			"Walang safety guard ang mga makina sa pabrika at nasugatan ang isang katrabaho noong nakaraang buwan. Hindi nagbibigay ang kompanya ng mask at guwantes.",
			"Bago ako umalis, nagbayad ako ng {f},000 piso sa ahensya at may utang pa ako. Hawak ng kompanya ang aming mga pasaporte.",
			"Palaging sumisigaw sa amin ang supervisor at may hindi angkop na paghawak. Nagreklamo na kami pero walang nagbago.",
			"Masikip ang dormitoryo, {n} kami sa isang kuwarto. Humiling kami sa kompanya na ayusin ito pero walang sagot.",
		},
		remedy:   "Gusto naming mabayaran nang buo ang kulang na sahod at hindi na ito maulit.",
		question: "Maaari mo bang sabihin ang pangalan ng pabrika at kailan ito nagsimula?",
		answer:   "Sa Pabrika 2 po, mula pa noong isang taon.",
		update:   "Naipasa na namin sa kompanya ang iyong ulat. Ipaaalam namin sa iyo kapag may sagot na.",
		names:    []string{"Maria Santos", "Jose Reyes"},
	},
	"ne": {
		narratives: [topicCount]string{
			"हामीले {m} महिनादेखि ओभरटाइमको पारिश्रमिक पाएका छैनौं। कारखानाका अरू {n} जना कामदारको पनि यही अवस्था छ।",
			"हामीलाई दिनमा {h} घण्टाभन्दा बढी काम गर्न लगाइन्छ र बिदा पाइँदैन। नमान्नेलाई कामबाट निकालिदिने धम्की दिइन्छ।",
			"कारखानाका मेसिनहरूमा सुरक्षा उपकरण छैन र गत महिना एक जना सहकर्मी घाइते भए। कम्पनीले मास्क र पन्जा दिँदैन।",
			"काममा जानुअघि मैले म्यानपावरलाई रु {f} हजार तिरेँ र अझै ऋण बाँकी छ। कम्पनीले हाम्रो राहदानी राखेको छ।",
			"सुपरभाइजरले हामीलाई सधैं गाली गर्छन् र अनुचित तरिकाले छुन्छन्। उजुरी गर्दा पनि केही परिवर्तन भएन।",
			"होस्टल धेरै साँघुरो छ, एउटै कोठामा {n} जना बस्नुपर्छ। कम्पनीलाई सुधार गर्न अनुरोध गर्यौं तर जवाफ आएन।",
		},
		remedy:   "बाँकी तलब पूरा भुक्तानी होस् र यस्तो घटना फेरि नदोहोरियोस् भन्ने चाहन्छौं।",
		question: "कृपया कारखानाको नाम र यो कहिलेदेखि भइरहेको छ भनेर बताउन सक्नुहुन्छ?",
		answer:   "कारखाना नम्बर २ हो, गत वर्षदेखि यस्तो भइरहेको छ।",
		update:   "तपाईंको उजुरी कम्पनीलाई पठाइसकेका छौं। जवाफ आएपछि जानकारी दिनेछौं।",
		names:    []string{"राम बहादुर थापा", "सीता गुरुङ"},
	},
	"bn": {
		narratives: [topicCount]string{
			"আমরা {m} মাস ধরে ওভারটাইমের টাকা পাইনি। কারখানার আরও {n} জন শ্রমিকের একই অবস্থা।",
			"আমাদের দিনে {h} ঘণ্টার বেশি কাজ করতে হয় এবং প্রায় কোনো ছুটি নেই। কেউ রাজি না হলে চাকরি থেকে বের করে দেওয়ার হুমকি দেওয়া হয়।",
			"কারখানার মেশিনে কোনো সুরক্ষা ব্যবস্থা নেই, গত মাসে একজন সহকর্মী আহত হয়েছেন। কোম্পানি মাস্ক ও গ্লাভস দেয় না।",
			"বিদেশে যাওয়ার আগে দালালকে {f} হাজার টাকা দিতে হয়েছে এবং এখনো ঋণ আছে। কোম্পানি আমাদের পাসপোর্ট রেখে দিয়েছে।",
			"সুপারভাইজার প্রায়ই আমাদের গালিগালাজ করেন এবং অশোভনভাবে স্পর্শ করেন। অভিযোগ করেও কোনো পরিবর্তন হয়নি।",
			"হোস্টেল খুব ছোট, এক ঘরে {n} জনকে থাকতে হয়। কোম্পানিকে ঠিক করতে বলেছি কিন্তু কোনো উত্তর পাইনি।",
		},
		remedy:   "আমরা চাই বকেয়া মজুরি পুরোপুরি পরিশোধ করা হোক এবং এমন ঘটনা আর না ঘটুক।",
		question: "অনুগ্রহ করে কারখানার নাম এবং কবে থেকে এটি ঘটছে তা জানাবেন?",
		answer:   "কারখানা নম্বর ২, গত বছর থেকে এমন হচ্ছে।",
		update:   "আপনার অভিযোগ আমরা কোম্পানির কাছে পাঠিয়েছি। উত্তর পেলে আপনাকে জানাব।",
		names:    []string{"মোহাম্মদ রহিম", "ফাতেমা আক্তার"},
	},
	"zh-Hans": {
		narratives: [topicCount]string{
			"我们已经{m}个月没有拿到加班费了。工厂里另外{n}名工人也遇到同样的问题。",
			"我们每天被迫工作超过{h}个小时，几乎没有休息日。拒绝加班的人会被威胁解雇。",
			"工厂的机器没有安全防护装置，上个月一名同事受了伤。公司也不发口罩和手套。",
			"出国前我向中介支付了{f}000元的费用，现在还在还债。公司扣留了我们的护照。",
			"主管经常对我们大声辱骂，还有不当的身体接触。我们投诉过，但没有任何改变。",
			"宿舍非常拥挤，{n}个人住在一个房间里。我们要求公司改善，但没有得到答复。",
		},
		remedy:   "希望公司足额支付拖欠的工资，并保证这种情况不再发生。",
		question: "请告诉我们工厂的名称，以及这种情况是从什么时候开始的。",
		answer:   "是第二工厂，从去年春天开始。",
		update:   "我们已将您的报告转交给公司，收到答复后会通知您。",
		names:    []string{"王丽", "李强"},
	},
	"en": {
		narratives: [topicCount]string{
			"We have not been paid for overtime for {m} months. {n} other workers at the factory are in the same situation.",
			"We are made to work more than {h} hours a day with almost no days off. Those who refuse are threatened with dismissal.",
			"The machines at the factory have no safety guards, and a co-worker was injured last month. The company does not provide masks or gloves.",
			"Before starting work I had to pay the recruitment agent USD {f}00 and I am still in debt. The employer keeps our passports.",
			"The supervisor shouts at us every day and touches workers inappropriately. We complained but nothing changed.",
			"The dormitory is overcrowded, with {n} people in one room. We asked the company to improve it but got no answer.",
		},
		remedy:   "We want the unpaid wages paid in full and an assurance that this will not happen again.",
		question: "Could you tell us the name of the factory and since when this has been happening?",
		answer:   "It is Factory 2, since spring last year.",
		update:   "We have forwarded your report to the company and will let you know when it responds.",
		names:    []string{"Alex Morgan", "Sam Taylor"},
	},
	"ar": {
		narratives: [topicCount]string{
			"لم نتقاضَ أجر العمل الإضافي منذ {m} أشهر. ويواجه {n} عاملاً آخرين في المصنع المشكلة نفسها.",
			"نُجبر على العمل أكثر من {h} ساعة يومياً دون أيام راحة تقريباً. ومن يرفض يُهدَّد بالفصل.",
			"لا توجد وسائل حماية على آلات المصنع، وقد أُصيب أحد زملائنا الشهر الماضي. ولا توفر الشركة الكمامات والقفازات.",
			"دفعتُ لوكيل التوظيف {f}00 دولار قبل بدء العمل وما زلت مديناً. ويحتفظ صاحب العمل بجوازات سفرنا.",
			"يصرخ المشرف في وجوهنا باستمرار ويلمس العاملات بطريقة غير لائقة. اشتكينا ولكن لم يتغير شيء.",
			"السكن مزدحم جداً، إذ يعيش {n} أشخاص في غرفة واحدة. طلبنا من الشركة تحسينه لكننا لم نتلقَّ رداً.",
		},
		remedy:   "نريد دفع الأجور المتأخرة كاملةً وضمان عدم تكرار ذلك.",
		question: "هل يمكنك إخبارنا باسم المصنع ومنذ متى يحدث ذلك؟",
		answer:   "إنه المصنع رقم 2، ومنذ ربيع العام الماضي.",
		update:   "أحلنا بلاغك إلى الشركة، وسنبلغك عند وصول ردّها.",
		names:    []string{"أحمد حسن", "فاطمة علي"},
	},
}

// Languages are the reporting languages the demo writes in (codes as reporters pick them; the
// report's Normalize may canonicalise one, e.g. tl → fil).
var Languages = []string{"ja", "vi", "th", "id", "ms", "my", "km", "tl", "ne", "bn", "zh-Hans", "en", "ar"}
